/**
 * Tool identity written into every result (docs/result-json.md). Keep in step with package.json.
 */
export const TOOL_NAME = 'hugeswap' as const
export const TOOL_VERSION = '0.1.0'
