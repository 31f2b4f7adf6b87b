/**
 * The programmatic API: `createSimulator(opts)` → `start()` → addresses; `subscribe()`, `reset()`; `stop()` closes
 * every socket. (`internals.ts` is for tests and not exported here.)
 */
export { createSimulator, SIMULATOR_VERSION } from './simulator.js';
export type { Simulator, SimulatorAddresses, SimulatorOptions } from './simulator.js';
export { BUILTIN_NAMES } from './scenarios/builtin.js';
