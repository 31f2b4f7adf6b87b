#!/usr/bin/env node
// The `vscode` tier: runs test/vscode/**/*.test.ts inside a real VS Code extension host, offline.
// code-server 4.100.3 (provisioned into .test-cache/vscode-host/ by provision.mjs) serves the workbench on
// 127.0.0.1; headless Debian chromium (playwright-core) opens it with a `payload` that asks for an
// extension-development + extension-tests run; the Node extension host (server side) loads the extension from
// the repo root, runs the bundled mocha suite, relays its console to the page (window.codeAutomationLog) and
// reports the exit code (window.codeAutomationExit).
// Ends with `vscode: N passed, N failed` alone on the last line; exit code = failures (1 when nothing reported).
// Options: --timeout=MS (or VSCODE_TEST_TIMEOUT; default 180000), VSCODE_TEST_VERBOSE=1 (server + browser logs),
// --files=a.ts,b.ts (only these files, paths from the repo root, any name: test/bench uses it for in-host benches),
// --production (build the extension as the .vsix has it: `node esbuild.mjs --production`). STARFACE_BUILT=1 (set by
// run-all.mjs) skips the development build, which `npm test` has done already.
// --tls (or STARFACE_TEST_TLS=1): the user settings say `"starface.simulator.tls": true`, so every simulator the
// extension starts speaks HTTPS/WSS (the extension trusts its CA from the ready line itself); the run's CA
// (support/testCa.mjs) and STARFACE_TEST_TLS reach the host's tests through the environment; the closing line then
// reads `vscode-tls: …`.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { format } from 'node:util';
import { makeTestCa, tlsRequested } from '../support/testCa.mjs';
import { chromiumPath, codeServerEntry, provision, ProvisionError, root } from './provision.mjs';
import { workbenchAction } from './workbench-actions.mjs';

const tls = tlsRequested();
const TIER = tls ? 'vscode-tls' : 'vscode';
const CLOSING = /(vscode: (\d+) passed, (\d+) failed(?:, \d+ skipped)?)/;
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    return m ? [m[1], m[2]] : [a.replace(/^--/, ''), 'true'];
  }),
);
const timeoutMs = Number(args.timeout || process.env.VSCODE_TEST_TIMEOUT || 180_000);
const verbose = Boolean(process.env.VSCODE_TEST_VERBOSE);
const suiteOut = join(root, 'dist-test', 'vscode', 'suite', 'index.js');
const t0 = Date.now();
const say = (msg) => process.stderr.write(`[vscode] ${msg}\n`);
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

function finish(closing, code) {
  console.log(closing);
  process.exitCode = code;
}

function testFiles(dir = join(root, 'test', 'vscode')) {
  if (args.files)
    return args.files
      .split(',')
      .filter(Boolean)
      .map((f) => resolve(root, f));
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts') && !f.split(sep).includes('node_modules'))
    .sort()
    .map((f) => join(dir, f));
}

/** Builds the extension (whatever extension/src holds now, unless STARFACE_BUILT=1) and bundles the in-host suite with every test file. */
async function build() {
  // `npm test` (run-all.mjs) has built the development bundles already and says so with STARFACE_BUILT=1.
  if (args.production || process.env.STARFACE_BUILT !== '1') {
    const r = spawnSync(process.execPath, ['esbuild.mjs', ...(args.production ? ['--production'] : [])], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`node esbuild.mjs failed (exit ${r.status})`);
  }
  const files = testFiles();
  if (files.length === 0) throw new Error('no test files in test/vscode');
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`no such test file: ${missing.join(', ')}`);
  const { build: esbuild } = await import('esbuild');
  await esbuild({
    entryPoints: [join(root, 'test', 'vscode', 'suite', 'index.ts')],
    outfile: suiteOut,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    external: ['vscode', 'mocha'],
    plugins: [
      {
        name: 'vscode-test-files',
        setup(b) {
          b.onResolve({ filter: /^vscode-test-files$/ }, () => ({
            path: 'vscode-test-files',
            namespace: 'vscode-test-files',
          }));
          b.onLoad({ filter: /.*/, namespace: 'vscode-test-files' }, () => ({
            resolveDir: root,
            loader: 'js',
            contents: `module.exports = [\n${files.map((f) => `  { file: ${JSON.stringify(relative(root, f))}, load: () => require(${JSON.stringify(f)}) },`).join('\n')}\n];\n`,
          }));
        },
      },
    ],
  });
  return files;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function waitHttp(url, ms, server) {
  const end = Date.now() + ms;
  return new Promise((res, rej) => {
    const once = () => {
      if (server.exitCode !== null) return rej(new Error(`code-server exited with code ${server.exitCode}`));
      http
        .get(url, (r) => {
          r.resume();
          res();
        })
        .on('error', () =>
          Date.now() > end
            ? rej(new Error(`code-server did not answer ${url} within ${ms} ms`))
            : setTimeout(once, 200),
        );
    };
    once();
  });
}

async function main() {
  try {
    const cs = await provision();
    if (cs.installed) say(`provisioned code-server in ${cs.seconds.toFixed(1)} s`);
  } catch (e) {
    say(e instanceof ProvisionError ? e.message : e?.stack || String(e));
    return finish(`${TIER}: 0 passed, 1 failed`, 1);
  }
  let files;
  try {
    files = await build();
  } catch (e) {
    say(`build failed: ${e?.message || e}`);
    return finish(`${TIER}: 0 passed, 1 failed`, 1);
  }
  say(`built extension + ${files.length} test file(s) (${secs()})`);
  const { chromium } = await import('playwright-core');

  const tmp = mkdtempSync(join(tmpdir(), 'vscode-tier-'));
  const domCheckDir = join(tmp, 'dom-check');
  mkdirSync(domCheckDir, { recursive: true });
  const workspace = join(tmp, 'workspace');
  mkdirSync(workspace);
  mkdirSync(join(tmp, 'user-data', 'User'), { recursive: true });
  // Offline-friendly user settings: no gallery, update, telemetry or experiment traffic.
  writeFileSync(
    join(tmp, 'user-data', 'User', 'settings.json'),
    JSON.stringify({
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'workbench.startupEditor': 'none',
      'workbench.enableExperiments': false,
      'security.workspace.trust.enabled': false,
      'git.enabled': false,
      ...(tls && { 'starface.simulator.tls': true }),
    }),
  );
  let ca;
  if (tls) {
    try {
      ca = makeTestCa();
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      say(e.message);
      return finish(`${TIER}: 0 passed, 1 failed`, 1);
    }
  }
  const cfg = join(tmp, 'config.yaml');
  writeFileSync(cfg, '');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const server = spawn(
    process.execPath,
    [
      codeServerEntry,
      '--bind-addr',
      host,
      '--auth',
      'none',
      '--config',
      cfg,
      '--user-data-dir',
      join(tmp, 'user-data'),
      '--extensions-dir',
      join(tmp, 'extensions'),
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--disable-proxy',
    ],
    {
      cwd: workspace,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: the extension host and its helpers die with it
      env: {
        ...process.env,
        TMPDIR: tmp,
        EXTENSIONS_GALLERY: '{}',
        XDG_DATA_HOME: join(tmp, 'xdg-data'),
        XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
        VSCODE_TEST_WORKSPACE: workspace,
        STARFACE_DOM_CHECK_DIR: domCheckDir,
        ...ca?.env,
      },
    },
  );
  const serverLog = [];
  const onServer = (d) => {
    serverLog.push(String(d));
    if (verbose) process.stderr.write(`[code-server] ${d}`);
  };
  server.stdout.on('data', onServer);
  server.stderr.on('data', onServer);

  let browser;
  let killed = false;
  const killAll = () => {
    if (killed) return;
    killed = true;
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    try {
      browser?.process?.()?.kill('SIGKILL');
    } catch {
      /* already gone */
    }
    rmSync(tmp, { recursive: true, force: true });
    ca?.remove();
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(sig, () => {
      killAll();
      console.log(`${TIER}: 0 passed, 1 failed`);
      process.exit(130);
    });

  let closing; // the closing line the suite printed inside the host
  let hostCode;
  try {
    await waitHttp(`http://${host}/healthz`, 60_000, server);
    say(`code-server ${host} up (${secs()})`);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    });
    const page = await browser.newPage();
    let exitWith;
    const done = new Promise((r) => {
      exitWith = r;
    });
    // Extension-host console, relayed by the workbench during an extension-tests run.
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const out = format(...(Array.isArray(logArgs) ? logArgs : [logArgs])).replace(
        /^%c\s*(INFO|WARN|ERR|DEBUG|TRACE)?\s*color: #[0-9a-f]+\s*/i,
        '',
      );
      const m = CLOSING.exec(out);
      if (m) {
        closing = m[1];
        if (out.trim() === m[1]) return;
      }
      (type === 'error' ? console.error : console.log)(out);
    });
    await page.exposeFunction('codeAutomationExit', (c) => exitWith(Number(c)));
    page.on('console', (m) => {
      if (verbose) process.stderr.write(`[browser] ${m.type()} ${m.text()}\n`);
    });
    page.on('pageerror', (e) => say(`browser page error: ${e.message}`));
    const remote = (p) => `vscode-remote://${host}${p.split(sep).join('/')}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(suiteOut)],
    ];
    // Tests in the host cannot read a webview's DOM, nor see or answer an input box; this page can. A test writes
    // request.json (texts that one row of a webview's grid must all hold — or one element matching `selector`, when
    // given — or a workbench action: see workbench-actions.mjs) and waits for response.json.
    const domCheck = setInterval(async () => {
      const request = join(domCheckDir, 'request.json');
      if (!existsSync(request)) return;
      let want;
      try {
        want = JSON.parse(readFileSync(request, 'utf8'));
        rmSync(request);
      } catch {
        return;
      }
      if (want.action) {
        const answer = await workbenchAction(page, want).catch((e) => ({
          found: false,
          error: String(e?.message ?? e),
        }));
        // Written whole, then renamed: the test polls for the file and must not read half of it.
        writeFileSync(join(domCheckDir, 'response.json.tmp'), JSON.stringify(answer));
        renameSync(join(domCheckDir, 'response.json.tmp'), join(domCheckDir, 'response.json'));
        return;
      }
      let found = false;
      for (const frame of page.frames()) {
        found = await frame
          .evaluate(
            ({ texts, selector }) =>
              // eslint-disable-next-line no-undef -- the function runs in the webview's page, where document exists
              [...document.querySelectorAll(selector)].some((r) =>
                texts.every((t) => (r.textContent ?? '').includes(t)),
              ),
            { texts: want.texts, selector: typeof want.selector === 'string' ? want.selector : '[role="row"]' },
          )
          .catch(() => false);
        if (found) break;
      }
      writeFileSync(join(domCheckDir, 'response.json'), JSON.stringify({ found }));
    }, 100);
    done.finally(() => clearInterval(domCheck));
    await page.goto(
      `http://${host}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    let timer;
    hostCode = await Promise.race([
      done,
      new Promise((r) => {
        timer = setTimeout(() => {
          say(`TIMEOUT: the extension host did not finish within ${timeoutMs} ms`);
          r(124);
        }, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await new Promise((r) => setTimeout(r, 300)); // let the last relayed log lines arrive
    say(`extension host finished with exit code ${hostCode} (${secs()})`);
  } catch (e) {
    say(`error: ${e?.stack || e}`);
    hostCode = hostCode ?? 1;
  } finally {
    if (!closing && !verbose)
      process.stderr.write(
        `[vscode] code-server log (last 40 lines):\n${serverLog.join('').split('\n').slice(-40).join('\n')}\n`,
      );
    await browser?.close().catch(() => {});
    killAll();
  }

  if (!closing) return finish(`${TIER}: 0 passed, 1 failed`, hostCode || 1);
  const [, , passed, failed] = CLOSING.exec(closing);
  closing = closing.replace(/^vscode:/, `${TIER}:`);
  if (hostCode !== 0 && Number(failed) === 0) return finish(`${TIER}: ${passed} passed, 1 failed`, hostCode);
  return finish(closing, Math.min(Number(failed), 100));
}

main()
  .catch((e) => {
    say(`runner error: ${e?.stack || e}`);
    finish(`${TIER}: 0 passed, 1 failed`, 1);
  })
  .finally(() => process.exit(process.exitCode ?? 1));
