import type { ExportSelftestOptions } from './args'
import type { CliEnv } from './run'
export async function exportSelftestCommand(
  _o: ExportSelftestOptions,
  _e: CliEnv,
): Promise<number> {
  return 2
}
