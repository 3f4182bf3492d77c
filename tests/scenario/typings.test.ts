/**
 * hugeswap.d.ts is the only description of the scenario API that editors and users see: every
 * example scenario must type-check against it with plain tsc, and typos must not.
 */
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { createSimulator, normalizeMachine } from '../../src/sim'
import { MEMINFO_FIELDS, SERIES_EVENT_NAMES, VM_EVENTS } from '../../src/sim/include/vmstat'
import { COST_PROFILES } from '../../src/sim/cost/profiles'
import { VARIANT_FEATURES, VARIANT_NAMES } from '../../src/sim/result'

const root = resolve(import.meta.dirname, '../..')
const dts = join(root, 'src/scenario/hugeswap.d.ts')

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
  skipLibCheck: false,
}

/** The last program: passing it on lets the next one reuse the parsed lib.d.ts files. */
let previous: ts.Program | undefined

/** Diagnostics of `files` (paths) plus in-memory `extra` sources, checked with the typings. */
function check(files: string[], extra: Record<string, string> = {}): string[] {
  const host = ts.createCompilerHost(OPTIONS)
  const read = host.readFile.bind(host)
  const exists = host.fileExists.bind(host)
  host.readFile = (f) => extra[f] ?? read(f)
  host.fileExists = (f) => f in extra || exists(f)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (f, v, onError) =>
    f in extra ? ts.createSourceFile(f, extra[f], v) : getSourceFile(f, v, onError)
  const program = ts.createProgram([dts, ...files, ...Object.keys(extra)], OPTIONS, host, previous)
  previous = program
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    if (!d.file || d.start === undefined) return text
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start)
    return `${d.file.fileName}:${line + 1}:${character + 1}: ${text}`
  })
}

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? scenarioFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  )
}

const SAMPLE = `import { defineScenario, type Task, type Range, type UffdEvent } from 'hugeswap'

function swappedThp(t: Task): Range {
  const r = t.mmap('2M', { advice: 'hugepage' })
  t.write(r, { pages: 512, order: 'sequential' })
  t.madvise(r, 'pageout')
  return r
}

export default defineScenario({
  title: 'API tour',
  seed: 3,
  variants: ['baseline', 'pmd-swap+lazy-deposit'],
  machine: {
    memory: '4G',
    swap: [{ type: 'zram', size: '2G', priority: 10 },
           { type: 'file', fragmentation: 0.5, stable_writes: true }],
    zswap: false,
    thp: {
      enabled: 'madvise',
      defrag: 'defer+madvise',
      use_zero_page: true,
      khugepaged: { pages_to_scan: 4096, scan_sleep_millisecs: 0, alloc_sleep_millisecs: 0,
                    max_ptes_none: 511, max_ptes_swap: 64, max_ptes_shared: 256, defrag: true },
    },
    vm: { page_cluster: 0, swappiness: 100, min_free_kbytes: 65536, watermark_scale_factor: 150 },
    fragmentation: 0.25,
    thp_swap: true,
    mm_forbids_zeropage: false,
    kernel_base: 'mm-2026',
    fault_injection: { thp_fault_alloc: 0.1, thp_swapin_alloc: 0.5, pte_alloc: 0,
                       swapcache_split: 0.01, swap_read_error: 0, swapin_race: 0.2,
                       set_pmd_swap_entry: 0.3 },
  },
  async run(k) {
    const t = k.spawn('usemem')
    const r = swappedThp(t)
    const c = t.fork()
    c.read(r.sub(0, '1M'), { pages: 0.5, order: 'random' })
    t.mprotect(r, 'r')
    const moved: Range = t.mremap(r)
    t.munmap(moved.sub('1M', 4096))
    k.reclaim('64M')
    k.sleep(1000)
    k.khugepaged(2)
    k.swapoff(0)
    k.swapon()
    const v = k.vmstat()
    k.expect(v.thp_swpout + (v.thp_swpout_pmd ?? 0), 'swap-outs').toBeGreaterThan(0)
    k.expect(k.meminfo().PageTables).toBeLessThan(100)
    k.expect(c.smaps(r).SwapPss).toBeCloseTo(1024, 1)
    k.expect(t.status().VmPTE).toBeGreaterThanOrEqual(0)
    k.expect(t.pagemap(moved).every((p) => p.swapped || p.present)).toBe(true)
    k.expect(k.variant.name).toBe(k.variant.pmdSwap ? 'pmd-swap+lazy-deposit' : 'baseline')
    k.expect(k.machine.swap[1].sizeBytes).toBe(16 * 1024 ** 3)
    k.expect(k.machine.thp.khugepaged.max_ptes_swap + k.machine.vm.min_free_kbytes).toBeGreaterThan(0)
    k.zswap(!k.machine.zswap)
    t.clearRefs(); t.clearRefs(1)
    t.uffdRegister(r, ['missing', 'wp'])
    t.uffdProtect(r, 'wp'); t.uffdProtect(r.sub(0, '4K'), 'rwp', false)
    const dst = t.mmap('2M')
    k.expect(t.uffdMove(dst, r.sub(0, '1M'))).toBe(1048576)
    const ev: UffdEvent[] = t.uffdEvents()
    k.expect(ev.filter((e) => e.wp || e.rwp || e.missing || e.write).map((e) => e.addr)).toEqual([])
    k.expect(t.mincore(r).filter(Boolean).length).toBeLessThan(513)
    k.expect(k.splitFolio(t, r)).toBe(false)
    t.pin(r); t.unpin(r.sub(0, '2M'))
    k.expect(k.machine.swap[0].stable_writes && k.machine.fault_injection.swapin_race > 0).toBe(true)
    k.snapshot('end')
    await Promise.resolve()
    c.exit()
  },
})
`

describe('hugeswap.d.ts', () => {
  it('type-checks every scenario under scenarios/', () => {
    const files = scenarioFiles(join(root, 'scenarios'))
    expect(files.length).toBeGreaterThan(0)
    expect(check(files)).toEqual([])
  })

  it('type-checks a scenario using the whole API', () => {
    expect(check([], { '/virtual/tour.ts': SAMPLE })).toEqual([])
  })

  it('catches misspelt advice, counters, variants and machine knobs', () => {
    const bad = SAMPLE.replace("'pageout'", "'pagout'")
      .replace('v.thp_swpout +', 'v.thp_swpout_pdm +')
      .replace("'baseline', 'pmd-swap+lazy-deposit'", "'baseline', 'pmd_swap'")
      .replace('max_ptes_swap: 64', 'max_pte_swap: 64')
      .replace("memory: '4G'", "memory: '4 gigs'")
      .replace("t.uffdRegister(r, ['missing', 'wp'])", "t.uffdRegister(r, ['missing', 'wr'])")
      .replace('t.clearRefs(1)', 't.clearRefs(2)')
      .replace('k.machine.vm.min_free_kbytes', 'k.machine.vm.min_free_kb')
      .replace('swapcache_split: 0.01', 'swapcache_splits: 0.01')
      .replace('stable_writes: true }', 'stable_write: true }')
      .replace('fault_injection.swapin_race >', 'fault_injection.swapin_races >')
      .replace('t.pin(r);', 't.pinn(r);')
    const errors = check([], { '/virtual/bad.ts': bad })
    expect(errors.join('\n')).toMatch(/"pagout"/)
    expect(errors.join('\n')).toMatch(/thp_swpout_pdm/)
    expect(errors.join('\n')).toMatch(/"pmd_swap"/)
    expect(errors.join('\n')).toMatch(/max_pte_swap/)
    expect(errors.join('\n')).toMatch(/"4 gigs"/)
    expect(errors.join('\n')).toMatch(/"wr"/)
    expect(errors.join('\n')).toMatch(/'2' is not assignable/)
    expect(errors.join('\n')).toMatch(/min_free_kb/)
    expect(errors.join('\n')).toMatch(/swapcache_splits/)
    expect(errors.join('\n')).toMatch(/stable_write'/)
    expect(errors.join('\n')).toMatch(/swapin_races/)
    expect(errors.join('\n')).toMatch(/pinn/)
  })

  it('k.machine matches what normalizeMachine() gives; Vmstat and Meminfo name every counter', () => {
    // Object literals are checked for excess and missing properties in both directions.
    const spec = normalizeMachine({ swap: [{ type: 'zram' }, { type: 'hdd' }] })
    const vmstat = createSimulator({
      variant: 'pmd-swap+lazy-deposit',
      machine: spec,
      seed: 1,
    }).vmstat()
    const counters = Object.fromEntries([...VM_EVENTS, ...Object.keys(vmstat)].map((n) => [n, 0]))
    const meminfo = Object.fromEntries(MEMINFO_FIELDS.map((n) => [n, 0]))
    const source = `import type { MachineSpec, Meminfo, Vmstat } from 'hugeswap'
export const spec: MachineSpec = ${JSON.stringify(spec)}
export const vmstat: Required<Vmstat> = ${JSON.stringify(counters)}
export const meminfo: Required<Meminfo> = ${JSON.stringify(meminfo)}
`
    expect(check([], { '/virtual/spec.ts': source })).toEqual([])
  })

  it("marks exactly the series' events optional in Vmstat (SERIES_EVENTS)", () => {
    // A counter a series adds is absent where the series is not applied; every other is always
    // there. Record<..., true> literals are checked both ways.
    const optional = Object.fromEntries(SERIES_EVENT_NAMES.map((n) => [n, true]))
    const source = `import type { Vmstat } from 'hugeswap'
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T]
export const optional: Record<OptionalKeys<Vmstat>, true> = ${JSON.stringify(optional)}
`
    expect(check([], { '/virtual/series.ts': source })).toEqual([])
    const fewer = source.replace('"thp_swpout_pmd":true,', '')
    expect(check([], { '/virtual/series-fewer.ts': fewer }).join('\n')).toMatch(/thp_swpout_pmd/)
  })

  it('names the same variants, with the same feature flags, as the simulator', () => {
    // VARIANT_FEATURES (src/sim/result.ts) is the one source; hugeswap.d.ts's VariantName and
    // Variant are held to it both ways (object literals: excess and missing properties).
    const names = Object.fromEntries(VARIANT_NAMES.map((n) => [n, true]))
    const variants = VARIANT_NAMES.map((name) =>
      JSON.stringify({ name, ...VARIANT_FEATURES[name] }),
    )
    const source = `import type { Variant, VariantName } from 'hugeswap'
export const names: Record<VariantName, true> = ${JSON.stringify(names)}
export const variants: Required<Variant>[] = [${variants.join(', ')}]
`
    expect(check([], { '/virtual/variants.ts': source })).toEqual([])
    const fewer = source.replace('"baseline":true,', '')
    expect(check([], { '/virtual/variants-fewer.ts': fewer }).join('\n')).toMatch(/baseline/)
  })

  it('accepts every cost profile the simulator has, and no other name', () => {
    // The d.ts's CostProfileName is a copy of src/sim/cost/profiles.ts: this keeps them equal.
    const profiles = Object.keys(COST_PROFILES)
    const source = (name: string) => `import { defineScenario } from 'hugeswap'
export default defineScenario({ machine: { costs: '${name}' }, run() {} })
`
    for (const name of profiles) {
      expect(check([], { [`/virtual/costs-${name}.ts`]: source(name) }), name).toEqual([])
    }
    expect(check([], { '/virtual/costs-bad.ts': source('laptop') })).toHaveLength(1)
  })

  it('documents every member', () => {
    // A doc comment on every call, option, knob and counter: Monaco shows nothing otherwise.
    const source = ts.createSourceFile(dts, ts.sys.readFile(dts)!, ts.ScriptTarget.ES2022, true)
    const undocumented: string[] = []
    const visit = (node: ts.Node): void => {
      const documented = ts.getJSDocCommentsAndTags(node).length > 0
      if (
        (ts.isPropertySignature(node) ||
          ts.isMethodSignature(node) ||
          ts.isInterfaceDeclaration(node) ||
          ts.isTypeAliasDeclaration(node) ||
          ts.isFunctionDeclaration(node)) &&
        !documented
      ) {
        undocumented.push(node.name?.getText(source) ?? '?')
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
    expect(undocumented).toEqual([])
  })
})
