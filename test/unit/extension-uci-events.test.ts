import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PbxSession } from '../../extension/src/model/pbxSession.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { UciWebSocketSource } from '../../extension/src/live/uciWebSocketSource.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import { UCI_METHODS, USER_STATE_SERVICE } from '../../shared/schemas/uci.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { UciClient } from '../support/uci-client.js';
import { sleep, until } from '../support/until.js';

describe('extension: live events from the UCI connector', () => {
  let sim: RunningSim;
  before(async () => {
    sim = await startSim();
  });
  after(() => sim?.stop());

  it('a simulator session follows the UCI WebSocket and refreshes on a REST change', async () => {
    const session = new PbxSession({
      name: 'Sim',
      url: sim.base.replace(/\/rest$/, ''),
      login: 'admin',
      kind: 'simulator',
      auth: 'auto',
    });
    try {
      await session.signIn(ADMIN_PASSWORD);
      assert.equal(session.liveSource, 'uci');
      const seen: SimEvent[] = [];
      session.onDidReceiveEvents((events) => seen.push(...events));
      await until('the subscription', () => session.live.state === 'live', 10_000, 20);
      await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
      await until('the config event', () => seen.some((e) => e.service === 'sim.events.config'), 10_000, 20);
      await until(
        'the refreshed data',
        () => session.data?.configurations?.[0]?.configuration.autoprovisioning === false,
        10_000,
        20,
      );
    } finally {
      await session.signOut();
      session.dispose();
      await sim.admin.put('/modules/configurations/1', { autoprovisioning: true });
    }
  });

  it('a presence (userState) event reaches the listeners without reloading the PBX data; a REST change reloads', async () => {
    const session = new PbxSession({
      name: 'Sim',
      url: sim.base.replace(/\/rest$/, ''),
      login: 'admin',
      kind: 'simulator',
      auth: 'auto',
    });
    const phone = await UciClient.as(sim.addresses.uci, { login: 'admin', password: ADMIN_PASSWORD });
    try {
      await session.signIn(ADMIN_PASSWORD);
      const seen: SimEvent[] = [];
      session.onDidReceiveEvents((events) => seen.push(...events));
      let reloads = 0;
      session.onDidChange(() => reloads++);
      await until('the subscription', () => session.live.state === 'live', 10_000, 20);
      await phone.request(UCI_METHODS.setDoNotDisturbSetting, { doNotDisturb: true });
      await until('the userState event', () => seen.some((e) => e.service === USER_STATE_SERVICE), 10_000, 20);
      await sleep(300);
      assert.equal(reloads, 0, 'no reload for a presence change');
      await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
      await until('a reload after the REST change', () => reloads > 0, 10_000, 20);
    } finally {
      phone.close();
      await session.signOut();
      session.dispose();
      await sim.admin.put('/modules/configurations/1', { autoprovisioning: true });
    }
  });

  it('reconnects after a dropped connection and misses nothing (sinceSeq)', async () => {
    const client = new PbxRestClient(sim.base);
    await client.login('admin', ADMIN_PASSWORD);
    const seen: number[] = [];
    const stream = new UciWebSocketSource(client, {
      onEvents: (events) => seen.push(...events.map((e) => e.seq)),
      maxBackoffMs: 200,
    });
    stream.start();
    try {
      await until('connected', () => stream.connected, 10_000, 20);
      // Drop the socket from under the stream, change things while it is away, and let it come back.
      (stream as unknown as { ws: { terminate(): void } }).ws.terminate();
      for (let i = 0; i < 3; i++)
        await sim.admin.put('/sim/users/2/app', { active: true, platform: 'windows', version: `8.1.0.${i}` });
      await until('reconnected', () => stream.connected, 10_000, 20);
      await until('the three changes', () => seen.length >= 3, 10_000, 20);
      const sorted = [...seen].sort((a, b) => a - b);
      assert.deepEqual(seen, sorted, 'in order');
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
      for (let i = 1; i < seen.length; i++) assert.equal(seen[i], seen[i - 1]! + 1, 'no gaps');
    } finally {
      stream.stop();
      await client.logout();
    }
  });

  it('a PBX without /uci (a real STARFACE) is reported unavailable, so the session polls instead', async () => {
    const server: Server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const client = new PbxRestClient(`http://127.0.0.1:${port}/rest`);
      let reason: string | undefined;
      const stream = new UciWebSocketSource(client, { onEvents: () => {}, onUnavailable: (r) => (reason = r) });
      stream.start();
      await until('unavailable', () => reason !== undefined, 10_000, 20);
      assert.match(reason!, /404/);
      assert.equal(stream.connected, false);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
