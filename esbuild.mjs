// Bundles every entry point. One bundle per program keeps start-up fast (no module resolution at run time).
import { build } from 'esbuild';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
// --production (the .vsix): minified, no source maps — only what runs.
const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { __DEVKIT_VERSION__: JSON.stringify(pkg.version) },
  // jsonc-parser's `main` is a UMD wrapper whose require('./impl/…') esbuild cannot follow: the bundle would
  // fail at run time with "Cannot find module './impl/format'". Its ESM build bundles cleanly.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

// Parts only some users need are bundled apart (dist/lazy/NAME.js) and required on first use through a dynamic
// import() of their entry file: the Teams validator (ajv, zip, PNG) and the UCI over XML-RPC (an XML library)
// would more than double what activate() has to parse.
const root = dirname(fileURLToPath(import.meta.url));
const LAZY = { 'extension/src/teamsApp/index.ts': 'teams', 'extension/src/live/uciXmlRpc.ts': 'uciXmlRpc' };
const lazyChunks = {
  name: 'lazy-chunks',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const file = relative(root, resolve(args.resolveDir, args.path)).split(sep).join('/').replace(/\.js$/, '.ts');
      return LAZY[file] ? { path: `./lazy/${LAZY[file]}.js`, external: true } : undefined;
    });
  },
};

// The simulator's XML-RPC library (with xmlbuilder2 and a fetch polyfill, a third of its bundle) is a chunk of its
// own, dist/simulator/lazy/xmlrpc.js: it is loaded on the first XML-RPC request (simulator/src/uci/xmlrpc/lib.ts),
// so a start that never speaks XML-RPC does not read or parse it. Likewise dist/simulator/lazy/tls.js for --tls.
const simulatorLazy = {
  name: 'simulator-lazy',
  setup(b) {
    b.onResolve({ filter: /^@foxglove\/xmlrpc$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: './lazy/xmlrpc.js', external: true } : undefined,
    );
    // --tls: the certificate library (@peculiar/x509 with its ASN.1 schemas and tsyringe) only when asked for.
    b.onResolve({ filter: /^\.\/tls\/index\.js$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: './lazy/tls.js', external: true } : undefined,
    );
  },
};

// The Teams manifest schemas go beside the bundles (dist/teams-schemas): validation never touches the network.
rmSync('dist/teams-schemas', { recursive: true, force: true });
cpSync('node_modules/@microsoft/app-manifest/build/json-schemas/teams', 'dist/teams-schemas', { recursive: true });

await Promise.all([
  build({
    ...common,
    entryPoints: ['simulator/src/cli/main.ts'],
    outfile: 'dist/simulator/cli.js',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [simulatorLazy],
  }),
  build({
    ...common,
    entryPoints: ['extension/src/cli/starface-teams.ts'],
    outfile: 'dist/cli/starface-teams.js',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({
    ...common,
    entryPoints: ['simulator/src/index.ts'],
    outfile: 'dist/simulator/index.js',
    format: 'cjs',
    plugins: [simulatorLazy],
  }),
  build({
    ...common,
    entryPoints: { xmlrpc: '@foxglove/xmlrpc', tls: 'simulator/src/tls/index.ts' },
    outdir: 'dist/simulator/lazy',
    format: 'cjs',
  }),
  build({
    ...common,
    entryPoints: ['extension/src/cli/starface-preflight.ts'],
    outfile: 'dist/cli/starface-preflight.js',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({
    ...common,
    entryPoints: ['extension/src/extension.ts'],
    outfile: 'dist/extension.js',
    format: 'cjs',
    external: ['vscode'],
    plugins: [lazyChunks],
  }),
  build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(LAZY).map(([file, name]) => [name, file])),
    outdir: 'dist/lazy',
    format: 'cjs',
  }),
  // The webviews (event inspector, Teams App rehearsal): browser code and style sheets (dist/webview/NAME.{js,css}).
  build({
    entryPoints: { inspector: 'extension/webview/inspector/main.ts', rehearsal: 'extension/webview/rehearsal/main.ts' },
    outdir: 'dist/webview',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  }),
  build({
    entryPoints: {
      inspector: 'extension/webview/inspector/inspector.css',
      rehearsal: 'extension/webview/rehearsal/rehearsal.css',
    },
    outdir: 'dist/webview',
    bundle: true,
    minify: production,
    logLevel: 'warning',
  }),
]);
