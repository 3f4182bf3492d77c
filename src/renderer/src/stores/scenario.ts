import { defineStore } from 'pinia'
import { ref } from 'vue'
import defaultSource from '../../../../scenarios/one-thp.ts?raw'

export const DEFAULT_FILE_NAME = 'one-thp.ts'

/** The scenario being edited: its source text and the file name used in error locations. */
export const useScenarioStore = defineStore('scenario', () => {
  const source = ref(defaultSource)
  const fileName = ref(DEFAULT_FILE_NAME)

  function setSource(text: string): void {
    source.value = text
  }

  function reset(): void {
    source.value = defaultSource
    fileName.value = DEFAULT_FILE_NAME
  }

  return { source, fileName, setSource, reset }
})
