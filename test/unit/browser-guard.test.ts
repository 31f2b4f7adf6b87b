// The Host and Origin rules of auth/browserGuard.ts for binds the simulator tier does not open (all interfaces, a
// host name): which Host names stand for the simulator. The wire behaviour is in test/simulator/origin-host.test.ts.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { BrowserGuard, parseOrigin, parseOrigins } from '../../simulator/src/auth/browserGuard.js';

function req(headers: Record<string, string>): IncomingMessage {
  return { headers, method: 'GET', url: '/rest/login', socket: { remoteAddress: '127.0.0.1' } } as never;
}

function guard(bind: string, allowOrigins: string[] = []): BrowserGuard {
  return new BrowserGuard({ bind, allowOrigins, log: () => undefined });
}

describe('unit: browser guard (Origin and Host rules)', () => {
  it('parseOrigin answers the origin as browsers send it: lower-case host, no default port, no slash', () => {
    assert.deepEqual(parseOrigin('HTTPS://Demo.Example:443/'), { ok: true, origin: 'https://demo.example' });
    assert.deepEqual(parseOrigin('http://localhost:3000'), { ok: true, origin: 'http://localhost:3000' });
    assert.deepEqual(parseOrigin('http://[::1]:8080'), { ok: true, origin: 'http://[::1]:8080' });
    for (const bad of ['', 'null', 'localhost:3000', 'https://a.example?x', 'https://u@a.example', 'ws://a.example'])
      assert.equal(parseOrigin(bad).ok, false, bad);
    assert.deepEqual(parseOrigins(['https://a.example', 'https://A.example/']), {
      ok: true,
      origins: ['https://a.example'],
    });
  });

  it('bound to all interfaces: any IP literal and localhost are the simulator, a name is not', () => {
    for (const bind of ['0.0.0.0', '::']) {
      const g = guard(bind);
      g.bound(bind);
      for (const host of ['192.168.1.20:8080', '10.0.0.1', '[fe80::1]:8080', 'localhost:8080', '127.0.0.1'])
        assert.equal(g.refusal(req({ host })), undefined, `${bind} ${host}`);
      for (const host of ['pbx-sim.lan:8080', 'evil.example', '0.0.0.0.evil.example'])
        assert.equal(g.refusal(req({ host }))?.code, 'HOST_NOT_ALLOWED', `${bind} ${host}`);
    }
  });

  it('bound to a name: that name (any case), localhost and the address it resolved to', () => {
    const g = guard('PBX-Sim.lan');
    g.bound('192.168.1.20');
    for (const host of ['pbx-sim.lan:8080', 'PBX-SIM.LAN', '192.168.1.20:8080', 'localhost'])
      assert.equal(g.refusal(req({ host })), undefined, host);
    for (const host of ['192.168.1.21', '127.0.0.1:8080', 'sim.lan', 'pbx-sim.lan.', 'pbx-sim.lan:99999', ''])
      assert.equal(g.refusal(req({ host }))?.code, 'HOST_NOT_ALLOWED', host);
  });

  it('an Origin passes when allowlisted or the own origin of the Host; without Host only when allowlisted', () => {
    const g = guard('127.0.0.1', ['https://demo.example']);
    g.bound('127.0.0.1');
    const host = '127.0.0.1:8080';
    assert.equal(g.refusal(req({ host, origin: 'https://demo.example' })), undefined);
    assert.equal(g.refusal(req({ host, origin: 'http://127.0.0.1:8080' })), undefined);
    assert.equal(g.refusal(req({ origin: 'https://demo.example' })), undefined);
    for (const origin of ['http://127.0.0.1:8081', 'https://demo.example:8443', 'null', 'https://demo.example, x'])
      assert.equal(g.refusal(req({ host, origin }))?.code, 'ORIGIN_NOT_ALLOWED', origin);
    assert.equal(g.refusal(req({ origin: 'http://127.0.0.1:8080' }))?.code, 'ORIGIN_NOT_ALLOWED');
  });
});
