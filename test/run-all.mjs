#!/usr/bin/env node
// `npm test`: lint, format check, type-check, build, then every tier. Fails when a step fails or a tier prints no closing line.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const steps = [
  { name: 'lint', cmd: bin('eslint'), args: ['.'] },
  { name: 'format', cmd: bin('prettier'), args: ['--check', '.'] },
  { name: 'typecheck', cmd: bin('tsc'), args: ['--noEmit', '-p', '.'] },
  { name: 'build', cmd: process.execPath, args: ['esbuild.mjs'] },
  { name: 'package', cmd: process.execPath, args: ['test/package-check.mjs'] },
  { name: 'unit', cmd: process.execPath, args: ['test/run-tier.mjs', 'unit'], tier: true },
  { name: 'simulator', cmd: process.execPath, args: ['test/run-tier.mjs', 'simulator'], tier: true },
  { name: 'contract', cmd: process.execPath, args: ['test/run-tier.mjs', 'contract'], tier: true },
  // The contract once more over HTTPS (simulator --tls, its CA trusted): a few seconds.
  { name: 'contract-tls', cmd: process.execPath, args: ['test/run-tier.mjs', 'contract', '--tls'], tier: true },
  { name: 'browser', cmd: process.execPath, args: ['test/browser/run.mjs'], tier: true },
  { name: 'vscode', cmd: process.execPath, args: ['test/vscode/run.mjs'], tier: true },
];

// Set once the build and package-check (which rebuilds the development bundles after vsce's production build) have
// passed: the browser and vscode tiers then skip their own `node esbuild.mjs`. Alone, each tier still builds.
const env = { ...process.env };
delete env.STARFACE_BUILT;

function run(step) {
  return new Promise((resolve) => {
    const child = spawn(step.cmd, step.args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

const summary = [];
const builtOk = {};
let failed = false;
for (const step of steps) {
  const started = Date.now();
  console.log(`\n=== ${step.name} ===`);
  const { code, out } = await run(step);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let line = `${step.name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds} s`;
  if (step.tier) {
    const closing = out
      .split('\n')
      .reverse()
      .find((l) => new RegExp(`^${step.name}: \\d+ passed, \\d+ failed`).test(l));
    if (!closing) {
      line = `${step.name}: FAILED — the tier printed no closing line`;
      failed = true;
    } else {
      line = `${closing} (${seconds} s)`;
      if (/, 0 passed/.test(closing) || closing.startsWith(`${step.name}: 0 passed`)) failed = true;
    }
  }
  if (code !== 0) failed = true;
  if (step.name === 'build' || step.name === 'package') builtOk[step.name] = code === 0;
  if (builtOk.build && builtOk.package) env.STARFACE_BUILT = '1';
  summary.push(line);
}
console.log('\n=== summary ===');
for (const line of summary) console.log(line);
const totals = summary.map((l) => /: (\d+) passed, (\d+) failed/.exec(l)).filter(Boolean);
const passed = totals.reduce((n, m) => n + Number(m[1]), 0);
const failures = totals.reduce((n, m) => n + Number(m[2]), 0) + (failed && totals.every((m) => m[2] === '0') ? 1 : 0);
console.log(`${passed} passed, ${failures} failed`);
process.exit(failed ? 1 : 0);
