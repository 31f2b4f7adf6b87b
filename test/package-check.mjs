#!/usr/bin/env node
// `npm run package` must build the .vsix without warnings, under 10 MB, holding only what runs.
// Run by `npm test` after the build; it rebuilds the development bundles afterwards.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vsix = join(root, 'starface-teams-devkit.vsix');
const ALLOWED = [
  /^dist\/extension\.js$/,
  /^dist\/simulator\/cli\.js$/,
  // Loaded on the bundled simulator's first XML-RPC request, and at a start with --tls.
  /^dist\/simulator\/lazy\/(xmlrpc|tls)\.js$/,
  /^dist\/webview\/(inspector|rehearsal)\.(js|css)$/,
  // Loaded on first use by dist/extension.js: the Teams validator and the UCI over XML-RPC.
  /^dist\/lazy\/(teams|uciXmlRpc)\.js$/,
  // The Teams manifest schemas: offline validation in the extension reads them at run time.
  /^dist\/teams-schemas\/(v\d+\.\d+|vDevPreview)\/MicrosoftTeams(\.\w+)?\.schema\.json$/,
  /^package\.json$/,
  /^package\.nls(\.de)?\.json$/,
  /^l10n\/bundle\.l10n\.de\.json$/,
  /^media\/[\w.-]+\.svg$/,
  // The setup walkthrough's illustrations (package.json "walkthroughs" › steps › media.svg).
  /^media\/walkthrough\/[\w.-]+\.svg$/,
  // The marketplace and extensions-view icon (package.json "icon"): 128×128 PNG.
  /^media\/icon\.png$/,
  /^README\.md$/,
  /^LICENSE$/,
];
const problems = [];

rmSync(vsix, { force: true });
const pack = spawnSync('npm', ['run', 'package'], { cwd: root, encoding: 'utf8' });
const output = `${pack.stdout}\n${pack.stderr}`;
if (pack.status !== 0) problems.push(`npm run package failed (exit ${pack.status}):\n${output}`);
for (const line of output.split('\n'))
  if (/\bWARN(ING)?\b/i.test(line) && !/install-scripts/.test(line)) problems.push(`warning: ${line.trim()}`);

const ls = spawnSync(join(root, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], {
  cwd: root,
  encoding: 'utf8',
});
const files = ls.stdout
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);
if (ls.status !== 0 || files.length === 0) problems.push(`vsce ls failed: ${ls.stderr}`);
for (const f of files)
  if (!ALLOWED.some((re) => re.test(f))) problems.push(`the package holds ${f}, which does not run`);
for (const must of [
  'dist/extension.js',
  'dist/lazy/teams.js',
  'dist/lazy/uciXmlRpc.js',
  'dist/simulator/cli.js',
  'dist/simulator/lazy/xmlrpc.js',
  'dist/simulator/lazy/tls.js',
  'dist/teams-schemas/v1.30/MicrosoftTeams.schema.json',
  'package.json',
  'package.nls.de.json',
  'media/icon.png',
]) {
  if (!files.includes(must)) problems.push(`the package lacks ${must}`);
}

// package.json's "icon": a PNG (the marketplace refuses SVG) of 128×128, read from its IHDR chunk.
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (manifest.icon !== 'media/icon.png')
  problems.push(`package.json "icon" is ${JSON.stringify(manifest.icon)}, not media/icon.png`);
try {
  const png = readFileSync(join(root, 'media', 'icon.png'));
  const isPng = png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (!isPng || png.readUInt32BE(16) !== 128 || png.readUInt32BE(20) !== 128)
    problems.push('media/icon.png is not a 128×128 PNG');
} catch (err) {
  problems.push(`media/icon.png: ${err.message}`);
}

let size = 0;
try {
  size = statSync(vsix).size;
  if (size >= 10 * 1024 * 1024) problems.push(`the package is ${(size / 1048576).toFixed(1)} MB, over 10 MB`);
} catch {
  problems.push('no .vsix was written');
}
rmSync(vsix, { force: true });
const rebuild = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (rebuild.status !== 0) problems.push('rebuilding the development bundles failed');

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`package: ${files.length} files, ${(size / 1024).toFixed(0)} KB, no warnings`);
