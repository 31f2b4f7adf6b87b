// A page in real Chromium on another origin (another port of 127.0.0.1) against the simulator: without an allowlist
// it cannot open /uci nor make a REST or XML-RPC request act (the simulator refuses before anything runs, and says
// so in its log); once its origin is passed as allowOrigins (the documented way for a browser client) its UCI
// WebSocket signs in and its REST calls pass the CORS preflight. Traffic to 127.0.0.1 only. Under --tls the
// simulator speaks HTTPS/WSS signed by the run's CA, which chromium trusts (the page itself stays http).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { restLoginSecret, uciToken } from '../../shared/hashes.js';
import { UCI_AUTH_PARAM, UCI_METHODS } from '../../shared/schemas/uci.js';
import { createSimulator, type Simulator } from '../../simulator/src/simulator.js';
import type { Logger } from '../../simulator/src/log.js';
import { TEST_TLS, testTlsOptions } from '../support/testTls.js';
import { launchChromium } from './harness.mjs';

const ANNA = { login: '1001', password: 'anna-demo-1001' };
const ADMIN_PASSWORD = 'browser-origin-admin-pw';
const HTTP = TEST_TLS ? 'https' : 'http';
const WS = TEST_TLS ? 'wss' : 'ws';

/** A page with nothing on it, served from its own origin: http://127.0.0.1:<its port>. */
function startPageServer(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      '<!DOCTYPE html><html><head><meta charset="utf-8"><title>another origin</title></head><body></body></html>',
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    );
  });
}

interface Refused {
  code: unknown;
  path: unknown;
  origin: unknown;
}

async function startSimulator(allowOrigins: string[]): Promise<{ sim: Simulator; base: string; refused: Refused[] }> {
  const refused: Refused[] = [];
  const logger: Logger = (_level, msg, fields) => {
    if (msg === 'request from a browser page refused')
      refused.push({ code: fields?.code, path: fields?.path, origin: fields?.origin });
  };
  const sim = createSimulator({
    memory: true,
    httpPort: 0,
    sipPort: 0,
    adminPassword: ADMIN_PASSWORD,
    allowOrigins,
    logger,
    ...testTlsOptions(),
  });
  const { httpPort } = await sim.start();
  return { sim, base: `127.0.0.1:${httpPort}`, refused };
}

/** In the page: opens the UCI WebSocket, asks for a keepAlive; answers what happened. */
const OPEN_UCI = async ({ url, method }: { url: string; method: string }) =>
  new Promise<string>((resolve) => {
    const ws = new WebSocket(url);
    ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: {} }));
    ws.onmessage = (e) => {
      resolve(`answer ${String(e.data)}`);
      ws.close();
    };
    ws.onclose = (e) => resolve(`closed ${e.code}`);
  });

describe('browser: a page on another origin against the simulator', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page;
  let pageServer: { origin: string; server: Server };

  before(async () => {
    pageServer = await startPageServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => pageServer?.server.close(r));
  });
  beforeEach(async () => {
    page = await browser.newPage();
    await page.goto(pageServer.origin + '/');
  });
  afterEach(() => page?.close());

  it('without an allowlist it can neither open /uci nor make REST or XML-RPC act', async () => {
    const { sim, base, refused } = await startSimulator([]);
    try {
      const uciUrl = `${WS}://${base}/uci?${UCI_AUTH_PARAM}=${uciToken(ANNA.login, ANNA.password)}`;
      const outcome = await page.evaluate(OPEN_UCI, { url: uciUrl, method: UCI_METHODS.keepAlive });
      assert.equal(outcome, 'closed 1006', outcome);
      // Simple requests (no preflight): the page cannot read the answers, so the simulator's log tells.
      await page.evaluate(async (b) => {
        const opts = { method: 'POST', mode: 'no-cors', body: 'x' } as const;
        await fetch(`${b}/rest/login`, opts).catch(() => undefined);
        await fetch(`${b}/xml-rpc?auth=admin:00`, opts).catch(() => undefined);
      }, `${HTTP}://${base}`);
      assert.deepEqual(
        refused.map((r) => [r.code, r.path, r.origin]),
        [
          ['ORIGIN_NOT_ALLOWED', '/uci', pageServer.origin],
          ['ORIGIN_NOT_ALLOWED', '/rest/login', pageServer.origin],
          ['ORIGIN_NOT_ALLOWED', '/xml-rpc', pageServer.origin],
        ],
      );
    } finally {
      await sim.stop();
    }
  });

  it('with its origin in allowOrigins it signs in over UCI and reads REST through CORS', async () => {
    const { sim, base, refused } = await startSimulator([pageServer.origin]);
    try {
      const uciUrl = `${WS}://${base}/uci?${UCI_AUTH_PARAM}=${uciToken(ANNA.login, ANNA.password)}`;
      const outcome = await page.evaluate(OPEN_UCI, { url: uciUrl, method: UCI_METHODS.keepAlive });
      assert.match(outcome, /^answer /, outcome);
      assert.equal(JSON.parse(outcome.slice('answer '.length)).error, undefined, outcome);
      // A sign-in and a signed-in call with the authToken header: both need a preflight, which Chromium must accept.
      const nonce = await page.evaluate(async (b) => {
        const r = await fetch(`${b}/rest/login`, { headers: { 'X-Version': '2' } });
        return ((await r.json()) as { nonce: string }).nonce;
      }, `${HTTP}://${base}`);
      const secret = restLoginSecret('admin', nonce, ADMIN_PASSWORD);
      const me = await page.evaluate(
        async ({ b, nonce, secret }) => {
          const headers = { 'Content-Type': 'application/json', 'X-Version': '2' };
          const login = await fetch(`${b}/rest/login`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ loginType: 'Internal', nonce, secret }),
          });
          const { token } = (await login.json()) as { token: string };
          const r = await fetch(`${b}/rest/users/me`, { headers: { ...headers, authToken: token } });
          return { status: r.status, body: (await r.json()) as { login: string } };
        },
        { b: `${HTTP}://${base}`, nonce, secret },
      );
      assert.equal(me.status, 200);
      assert.equal(me.body.login, 'admin');
      assert.deepEqual(refused, []);
    } finally {
      await sim.stop();
    }
  });
});
