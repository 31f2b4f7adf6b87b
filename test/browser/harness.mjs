// The browser tier's harness: a tiny HTTP server on 127.0.0.1 that serves a built webview (dist/webview; the
// inspector, or with `?app=rehearsal` the Teams App rehearsal) in a page
// with a CSP like the real panel's and a stand-in `acquireVsCodeApi`, and a headless Debian chromium to open it.
// Used by test/browser/*.test.ts and by `npm run bench -- inspector`.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromiumPath, root } from '../vscode/provision.mjs';

export { chromiumPath, root };

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// What VS Code's webview host provides: acquireVsCodeApi (once per load), with getState/setState that survive a
// reload (here: sessionStorage, same tab). Every posted message is recorded on window.__posted.
const STAND_IN = `(() => {
  const KEY = 'inspector-harness-state';
  window.__posted = [];
  window.__longtasks = [];
  window.__cspViolations = [];
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (m) => { window.__posted.push(structuredClone(m)); },
      getState: () => { const s = sessionStorage.getItem(KEY); return s ? JSON.parse(s) : undefined; },
      setState: (s) => { sessionStorage.setItem(KEY, JSON.stringify(s)); return s; },
    });
  };
  addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch { /* no longtask support */ }
})();`;

// A dark theme's worth of the variables VS Code injects into every webview.
const THEME = `:root {
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace; --vscode-editor-font-size: 12px;
  --vscode-foreground: #cccccc; --vscode-editor-background: #1e1e1e; --vscode-descriptionForeground: #9d9d9d;
  --vscode-list-activeSelectionBackground: #04395e; --vscode-list-activeSelectionForeground: #ffffff;
  --vscode-list-inactiveSelectionBackground: #37373d; --vscode-list-hoverBackground: #2a2d2e; --vscode-focusBorder: #007fd4;
  --vscode-panel-border: #80808059; --vscode-input-background: #3c3c3c; --vscode-input-foreground: #cccccc;
  --vscode-button-background: #0e639c; --vscode-button-foreground: #ffffff; --vscode-button-secondaryBackground: #3a3d41;
  --vscode-button-secondaryForeground: #ffffff; --vscode-errorForeground: #f48771; --vscode-editorWarning-foreground: #cca700;
  --vscode-testing-iconPassed: #73c991;
}`;

/** The `lang` query parameter when it is a plausible language tag, else `en`. */
function langOf(url) {
  const lang = url.searchParams.get('lang') ?? '';
  return /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(lang) ? lang : 'en';
}

/** Which webview the page loads: `?app=rehearsal` the Teams App rehearsal, else the inspector. */
const appOf = (url) => (url.searchParams.get('app') === 'rehearsal' ? 'rehearsal' : 'inspector');

function page(origin, nonce, lang = 'en', app = 'inspector') {
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${origin}; img-src ${origin} data:; font-src ${origin}`;
  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${origin}/theme.css">
<link rel="stylesheet" href="${origin}/dist/webview/${app}.css">
<title>${app === 'rehearsal' ? 'Teams App Rehearsal' : 'STARFACE Events'}</title></head>
<body>
<script nonce="${nonce}">${STAND_IN}</script>
<script nonce="${nonce}" src="${origin}/dist/webview/${app}.js"></script>
</body></html>`;
}

/**
 * Serves the harness; resolves with its URL and a close function. The page's `<html lang>` is `en` unless the URL
 * asks for another, like the panel does with VS Code's display language: `?lang=de`.
 */
export function startHarness() {
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    const send = (status, type, body) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (path === '/' || path === '/index.html')
      return send(
        200,
        'text/html; charset=utf-8',
        page(origin, randomBytes(16).toString('base64'), langOf(url), appOf(url)),
      );
    if (path === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (path === '/theme.css') return send(200, 'text/css', THEME);
    const files = {
      '/dist/webview/inspector.js': 'text/javascript',
      '/dist/webview/inspector.css': 'text/css',
      '/dist/webview/inspector.js.map': 'application/json',
      '/dist/webview/rehearsal.js': 'text/javascript',
      '/dist/webview/rehearsal.css': 'text/css',
      '/dist/webview/rehearsal.js.map': 'application/json',
    };
    if (files[path]) {
      try {
        return send(200, files[path], readFileSync(join(root, path)));
      } catch {
        return send(404, 'text/plain', 'not built');
      }
    }
    send(404, 'text/plain', 'not found');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/**
 * Headless Debian chromium through playwright-core. Under --tls the runner made a home folder whose NSS database
 * trusts the run's CA (chromiumTrust.mjs): chromium reads it from $HOME/.pki/nssdb.
 */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const home = process.env.STARFACE_TEST_CHROMIUM_HOME;
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    ...(home && { env: { ...process.env, HOME: home } }),
  });
}

/**
 * Source of a function run in the page: feeds `total` generated events at `perSecond` through window.postMessage
 * (as the host's `events` messages, one batch per tick) and resolves when all are sent.
 */
export const FEED_SOURCE = `async ({ total, perSecond, tickMs, firstSeq }) => {
  const services = ['ucp.v22.events.call', 'sim.events.users', 'sim.events.registrar', 'sim.events.config', 'ucp.v22.events.presence'];
  const states = ['PROCEEDING', 'RINGBACK', 'CONNECTED', 'HANGUP'];
  const make = (seq) => {
    const service = services[seq % services.length];
    const time = new Date(1735725600000 + seq).toISOString();
    if (service === 'ucp.v22.events.call') {
      const user = 1000 + (seq % 20);
      return { seq, time, service, event: 'receiveCallState', data: { userId: user, login: String(user), id: 'call-' + Math.floor(seq / 20), state: states[seq % 4], timestamp: 1735725600000 + seq, callerNumber: String(user), callerName: 'User ' + user, calledNumber: '2' + (seq % 100), calledName: 'Callee ' + (seq % 100) } };
    }
    return { seq, time, service, event: 'changed' + (seq % 7), data: { login: String(1000 + (seq % 20)), id: seq, value: 'v' + (seq % 1000), enabled: seq % 2 === 0 } };
  };
  let sent = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * perSecond) + 1);
      if (due > sent) {
        const events = [];
        for (let i = sent; i < due; i++) events.push(make(firstSeq + i));
        sent = due;
        window.postMessage({ type: 'events', events }, '*');
      }
      if (sent >= total) resolve();
      else setTimeout(tick, tickMs);
    };
    tick();
  });
  return { sent, ms: performance.now() - t0 };
}`;
