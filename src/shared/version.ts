/** Tool identity written into every result (CONTRACT.md §3). Keep in step with package.json. */
export const TOOL_NAME = 'hugeswap' as const
export const TOOL_VERSION = '0.1.0'
