/** The programmatic API: `createSimulator(opts)` → `start()` → addresses; `stop()` closes every socket. */
export { createSimulator, SIMULATOR_VERSION } from './simulator.js';
export type { Simulator, SimulatorAddresses, SimulatorOptions } from './simulator.js';
export { BUILTIN_NAMES } from './scenarios/builtin.js';
