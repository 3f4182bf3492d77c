/**
 * Result JSON types (docs/result-json.md). They live with the simulator that produces them
 * (src/sim/result.ts, since src/sim imports nothing outside itself); everyone else imports them
 * from here.
 */
export * from '../sim/result'
