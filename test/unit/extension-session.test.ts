import assert from 'node:assert/strict';
import { URL } from 'node:url';
import { PbxSession, type SessionState } from '../../extension/src/model/pbxSession.js';
import { SessionManager } from '../../extension/src/model/sessions.js';
import { PbxApi } from '../../extension/src/pbx/api.js';
import { EventLogSource } from '../../extension/src/live/eventLogSource.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import type { Connection } from '../../shared/schemas/connection.js';
import type { SimEvent } from '../../shared/schemas/events.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { sleep, until } from '../support/until.js';
import { cleanUp, each } from '../support/cleanup.js';

function simConnection(sim: RunningSim, name = 'Sim'): Connection {
  return { name, url: sim.base.replace(/\/rest$/, ''), login: 'admin', kind: 'simulator', auth: 'auto' };
}

/** The session follows live events (subscribed, so a change made now arrives). */
async function liveEvents(session: PbxSession): Promise<void> {
  await until('live events', () => session.live.state === 'live', 10_000);
}

function portOf(sim: RunningSim): number {
  return Number(new URL(sim.base).port);
}

describe('extension PbxSession', () => {
  let sim: RunningSim;
  const sessions: PbxSession[] = [];
  const open = (connection: Connection, log?: (level: 'info' | 'warn' | 'error', message: string) => void) => {
    const s = new PbxSession(connection, log);
    sessions.push(s);
    return s;
  };

  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(() =>
    cleanUp(
      each(sessions, async (s) => {
        try {
          await s.signOut();
        } finally {
          s.dispose();
        }
      }),
      () => sim?.stop(),
    ),
  );

  it('signs in: signing-in, then ready with the data loaded', async () => {
    const session = open(simConnection(sim));
    assert.equal(session.state, 'signed-out');
    const states: SessionState[] = [];
    session.onDidChange((s) => states.push(s.state));
    await session.signIn(ADMIN_PASSWORD);
    assert.deepEqual(states, ['signing-in', 'ready']);
    assert.equal(session.state, 'ready');
    assert.equal(session.error, undefined);
    const data = session.data!;
    assert.equal(data.simulator, true);
    assert.equal(data.version, '8.1.0.4');
    assert.deepEqual(
      data.users.map((u) => u.login),
      ['admin', '1001', '1002', '1003'],
    );
    assert.equal(data.licences!.length, 2);
    assert.equal(data.configurations![0]!.configuration.name, 'Teams');
  });

  it('ends in "error" with the reason when the password is wrong', async () => {
    const session = open(simConnection(sim));
    await assert.rejects(session.signIn('wrong-password'), /wrong login or password/);
    assert.equal(session.state, 'error');
    assert.match(session.error!, /wrong login or password/);
    assert.equal(session.data, undefined);
  });

  it('caches user details until the next refresh', async () => {
    const session = open(simConnection(sim));
    await session.signIn(ADMIN_PASSWORD);
    const first = session.userDetails(3);
    assert.equal(session.userDetails(3), first);
    const details = await first;
    assert.ok(!details.rights.some((r) => r.permission === 'msteams_perm'));
    assert.deepEqual(details.licences, ['UCC-Client Premium', 'MS Teams Integration']);
    assert.equal(details.app?.platform, 'macos');
    assert.deepEqual((await session.userDetails(4)).licences, []);
    await session.refresh();
    const again = session.userDetails(3);
    assert.notEqual(again, first);
    assert.deepEqual(await again, details);
  });

  it('forgets a failed user-details load so that it is tried again', async () => {
    const session = open(simConnection(sim));
    await session.signIn(ADMIN_PASSWORD);
    const missing = session.userDetails(999);
    await assert.rejects(missing, (err: Error & { status?: number }) => err.status === 404);
    await sleep(0);
    assert.notEqual(session.userDetails(999), missing);
    await assert.rejects(session.userDetails(999));
  });

  it('folds concurrent refreshes into one more reload', async () => {
    const session = open(simConnection(sim));
    await session.signIn(ADMIN_PASSWORD);
    const before = session.data;
    let reloads = 0;
    const version = session.api.version;
    session.api.version = () => {
      reloads++;
      return version();
    };
    let changes = 0;
    session.onDidChange(() => changes++);
    await Promise.all([session.refresh(), session.refresh(), session.refresh(), session.refresh()]);
    assert.equal(reloads, 2, 'the first refresh plus exactly one for the three that arrived during it');
    assert.equal(changes, 1);
    assert.equal(session.state, 'ready');
    assert.notEqual(session.data, before);
    await session.refresh();
    assert.equal(reloads, 3);
  });

  it('does not refresh while signed out', async () => {
    const session = open(simConnection(sim));
    let changes = 0;
    session.onDidChange(() => changes++);
    await session.refresh();
    assert.equal(changes, 0);
    assert.equal(session.state, 'signed-out');
  });

  it('signs out: forgets data and token, stops following events', async () => {
    const session = open(simConnection(sim));
    await session.signIn(ADMIN_PASSWORD);
    await liveEvents(session);
    let received = 0;
    session.onDidReceiveEvents(() => received++);
    await session.signOut();
    assert.equal(session.state, 'signed-out');
    assert.equal(session.data, undefined);
    assert.equal(session.api.client.signedIn, false);
    await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
    await sleep(1500);
    assert.equal(received, 0);
    assert.equal(session.state, 'signed-out');
  });

  it('refreshes by itself when another client changes the PBX (poll interval 1 s)', async () => {
    const session = open(simConnection(sim));
    await session.signIn(ADMIN_PASSWORD);
    assert.equal(session.data!.configurations![0]!.configuration.autoprovisioning, true);
    await liveEvents(session); // following from "now"
    const batches: SimEvent[][] = [];
    session.onDidReceiveEvents((events) => batches.push(events));
    const put = await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
    assert.equal(put.status, 200);
    await until(
      'the refreshed data',
      () => session.data?.configurations?.[0]?.configuration.autoprovisioning === false,
      10_000,
    );
    assert.ok(batches.length >= 1, 'onDidReceiveEvents fired');
    assert.ok(
      batches.flat().some((e) => e.service === 'sim.events.config'),
      JSON.stringify(batches),
    );
    assert.equal(session.state, 'ready');
    assert.equal(session.data!.configurations![0]!.configuration.pendingRestart, true);
  });

  it('follows events with one poller only, even when signed in twice', async () => {
    const session = open(simConnection(sim));
    await session.signIn(ADMIN_PASSWORD);
    await session.signIn(ADMIN_PASSWORD);
    await liveEvents(session);
    const seen: number[] = [];
    session.onDidReceiveEvents((events) => seen.push(...events.map((e) => e.seq)));
    await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
    await until('the event', () => seen.length > 0, 10_000);
    await sleep(1300); // a second poller, if any, would deliver the same events again by now
    assert.equal(new Set(seen).size, seen.length, `events delivered more than once: ${JSON.stringify(seen)}`);
  });

  it('after a simulator restart (sign-in lost) it says so, and signing in again loads the new PBX', async function () {
    this.timeout(20_000);
    const session = open(simConnection(sim));
    const states: SessionState[] = [];
    await session.signIn(ADMIN_PASSWORD);
    session.onDidChange((s) => states.push(s.state));
    await liveEvents(session);
    const port = portOf(sim);
    await sim.stop();
    await sleep(100); // lets this process's HTTP clients see their pooled sockets closed
    sim = await startSim({ httpPort: port, scenario: 'broken-r1' });
    await until('the session to notice it was signed out', () => session.state === 'error', 10_000);
    assert.match(session.error!, /sign in again|Not signed in/i);
    assert.equal(session.data!.version, '8.1.0.4', 'the last data stays visible');
    await session.signIn(ADMIN_PASSWORD);
    assert.equal(session.state, 'ready');
    assert.equal(session.data!.version, '6.7.2.4');
    // It follows the new simulator's events again, once.
    await liveEvents(session);
    const seen: number[] = [];
    session.onDidReceiveEvents((events) => seen.push(...events.map((e) => e.seq)));
    await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
    await until('an event of the new simulator', () => seen.length > 0, 10_000);
    await sleep(1300);
    assert.equal(new Set(seen).size, seen.length, `events delivered more than once: ${JSON.stringify(seen)}`);
    assert.ok(states.includes('error'));
  });
});

describe('extension EventLogSource', () => {
  let sim: RunningSim;
  let poller: EventLogSource | undefined;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(() =>
    cleanUp(
      () => poller?.stop(),
      () => (poller = undefined),
      () => sim?.stop(),
    ),
  );

  /** A signed-in API that counts the event-log requests answered: the poller's contacts, to wait on. */
  async function api(base: string): Promise<PbxApi & { contacts: number }> {
    const client = new PbxRestClient(base);
    await client.login('admin', ADMIN_PASSWORD);
    const pbx = Object.assign(new PbxApi(client), { contacts: 0 });
    const events = pbx.events.bind(pbx);
    pbx.events = async (...args: Parameters<PbxApi['events']>) => {
      const reply = await events(...args);
      pbx.contacts++;
      return reply;
    };
    return pbx;
  }

  it('starts from "now" and delivers later events in order, each once', async () => {
    const batches: SimEvent[][] = [];
    const pbx = await api(sim.base);
    poller = new EventLogSource(pbx, { intervalMs: 100, onEvents: (e) => batches.push(e) });
    poller.start();
    await until('the first contact and one poll after it', () => pbx.contacts >= 2);
    assert.equal(batches.length, 0, 'no history on first contact');
    await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
    await sim.admin.put('/modules/configurations/1', { autoprovisioning: true });
    await until('events', () => batches.flat().filter((e) => e.service === 'sim.events.config').length >= 2, 10_000);
    await sleep(300);
    const seqs = batches.flat().map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.equal(new Set(seqs).size, seqs.length);
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1, 'contiguous');
  });

  it('asks for a resync when the simulator restarted (bootId changed)', async function () {
    this.timeout(15_000);
    const pbx = await api(sim.base);
    let resyncs = 0;
    const errors: unknown[] = [];
    const batches: SimEvent[][] = [];
    poller = new EventLogSource(pbx, {
      intervalMs: 100,
      maxBackoffMs: 400,
      onEvents: (e) => batches.push(e),
      onResync: () => resyncs++,
      onError: (err) => errors.push(err),
    });
    poller.start();
    await until('the first contact (it notes the bootId)', () => pbx.contacts >= 1);
    assert.equal(resyncs, 0);
    const port = portOf(sim);
    await sim.stop();
    await sleep(100); // lets this process's HTTP clients see their pooled sockets closed
    sim = await startSim({ httpPort: port });
    // A restart signs everybody out; the client signs in again at the same address.
    await pbx.client.login('admin', ADMIN_PASSWORD);
    await until('onResync', () => resyncs === 1, 10_000);
    assert.equal(batches.length, 0, "the new run's events are not mixed into the old sequence");
    // Then it follows the new run.
    await sim.admin.put('/modules/configurations/1', { autoprovisioning: false });
    await until('an event of the new run', () => batches.flat().some((e) => e.service === 'sim.events.config'), 10_000);
    assert.equal(resyncs, 1);
  });

  it('backs off while the PBX is unreachable and reports each failure', async function () {
    this.timeout(10_000);
    const pbx = await api(sim.base);
    const retries: number[] = [];
    poller = new EventLogSource(pbx, {
      intervalMs: 50,
      maxBackoffMs: 300,
      onEvents: () => {},
      onError: (_err, retry) => retries.push(retry),
    });
    poller.start();
    await until('the first contact', () => pbx.contacts >= 1);
    await sim.stop();
    await until('three failures', () => retries.length >= 3, 10_000);
    assert.deepEqual(retries.slice(0, 3), [100, 200, 300]);
    sim = await startSim();
  });
});

describe('extension SessionManager', () => {
  let sim: RunningSim;
  let manager: SessionManager;
  beforeEach(async () => {
    sim = await startSim();
    manager = new SessionManager();
  });
  afterEach(() =>
    cleanUp(
      () => manager?.dispose(),
      () => sleep(50), // the dropped sessions' sign-outs
      () => sim?.stop(),
    ),
  );

  it('keeps unchanged sessions and replaces changed ones', async () => {
    const a = simConnection(sim, 'A');
    const b: Connection = { name: 'B', url: 'https://pbx-b.example.com', login: 'admin', kind: 'pbx', auth: 'auto' };
    const c: Connection = { name: 'C', url: 'https://pbx-c.example.com', login: 'admin', kind: 'pbx', auth: 'auto' };
    let fired = 0;
    manager.onDidChange(() => fired++);
    manager.setConnections([a, b, c]);
    assert.deepEqual(
      manager.all.map((s) => s.connection.name),
      ['A', 'B', 'C'],
    );
    assert.equal(manager.selected?.connection.name, 'A');
    assert.ok(fired >= 1);

    const sessionA = manager.get('A')!;
    const sessionB = manager.get('B')!;
    await sessionA.signIn(ADMIN_PASSWORD);
    assert.equal(sessionA.state, 'ready');
    manager.select('C');

    // A unchanged, B's login changed, C removed.
    manager.setConnections([{ ...a }, { ...b, login: 'other' }]);
    assert.equal(manager.get('A'), sessionA, 'an unchanged connection keeps its session');
    assert.equal(sessionA.state, 'ready', '...and stays signed in');
    assert.notEqual(manager.get('B'), sessionB);
    assert.equal(manager.get('B')!.connection.login, 'other');
    assert.equal(manager.get('C'), undefined);
    assert.equal(manager.selected?.connection.name, 'A', 'the selection falls back when its connection is gone');

    // A's URL changes: a new session, signed out; the old one is signed out.
    manager.setConnections([{ ...a, url: a.url + '/' }]);
    const newA = manager.get('A')!;
    assert.notEqual(newA, sessionA);
    assert.equal(newA.state, 'signed-out');
    await until('the dropped session to sign out', () => sessionA.state === 'signed-out', 10_000);
    assert.equal(sessionA.api.client.signedIn, false);

    // Its kind changing also counts.
    manager.setConnections([{ ...a, url: a.url + '/', kind: 'pbx', auth: 'auto' }]);
    assert.notEqual(manager.get('A'), newA);
  });

  it('forwards session changes and refuses to select an unknown connection', async () => {
    manager.setConnections([simConnection(sim, 'A')]);
    const seen: (string | undefined)[] = [];
    manager.onDidChange((s) => seen.push(s?.state));
    await manager.get('A')!.signIn(ADMIN_PASSWORD);
    assert.deepEqual(seen, ['signing-in', 'ready']);
    assert.throws(() => manager.select('nope'), /No connection named "nope"/);
    manager.setConnections([]);
    assert.equal(manager.selected, undefined);
    assert.deepEqual(manager.all, []);
  });
});
