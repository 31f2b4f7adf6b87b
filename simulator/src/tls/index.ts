// The one door simulator.ts loads `--tls` through (a dynamic import): bundled apart as dist/simulator/lazy/tls.js,
// so a start without --tls never reads or parses the certificate library.
export { ensureTlsFolder, type TlsMaterial } from './folder.js';
export { serverNames } from './material.js';
