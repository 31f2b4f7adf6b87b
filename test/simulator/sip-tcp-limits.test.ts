import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { Registration, SipClient, type DigestUser } from '../support/sip-client.js';
import { cleanUp, each } from '../support/cleanup.js';

const PBX = 'pbx.demo.starface.test';
const ANNA: DigestUser = { username: DEMO_USERS.anna.login, password: DEMO_USERS.anna.password };

/** An idle TCP connection that never sends a byte; `closed` resolves when the server closes it. */
async function idleTcp(address: string): Promise<{ socket: Socket; closed: Promise<void> }> {
  const i = address.lastIndexOf(':');
  const socket = connect(Number(address.slice(i + 1)), address.slice(0, i));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, closed };
}

describe('SIP unauthenticated connection limits', function () {
  this.timeout(30_000);
  const sockets: Socket[] = [];
  const clients: SipClient[] = [];
  let sim: RunningSim | undefined;
  afterEach(() =>
    cleanUp(
      each(sockets.splice(0), (s) => s.destroy()),
      each(clients.splice(0), (c) => c.close()),
      () => sim?.stop(),
    ),
  );

  async function registered(transport: 'tcp' | 'ws'): Promise<SipClient> {
    const s = sim!;
    const client = await SipClient.to(transport, transport === 'tcp' ? s.addresses.sipTcp : s.addresses.sipWs);
    clients.push(client);
    const reply = await new Registration(client, ANNA, { domain: PBX }).register({ expires: 300 });
    assert.equal(reply.status, 200, reply.raw);
    return client;
  }

  it('closes connections beyond the cap at once, REST still answers, authenticated ones do not count', async () => {
    sim = await startSim({ sipUnauthLimit: 5, sipUnauthTimeoutMs: 60_000 });
    const authenticated = await registered('tcp');
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await idleTcp(sim.addresses.sipTcp));
    sockets.push(...held.map((h) => h.socket));
    const extra = [];
    for (let i = 0; i < 3; i++) extra.push(await idleTcp(sim.addresses.sipTcp));
    sockets.push(...extra.map((h) => h.socket));
    await Promise.all(extra.map((h) => h.closed));
    const ws = new WebSocket(sim.addresses.sipWs, ['sip']);
    await new Promise<void>((resolve) => ws.once('close', () => resolve()).once('error', () => {}));
    assert.ok(
      held.every((h) => !h.socket.destroyed),
      'the connections within the cap stay open',
    );
    assert.ok(authenticated.isOpen, 'the authenticated connection stays open');
    const users = await sim.admin.get('/users');
    assert.equal(users.status, 200);
    // The authenticated connection still carries requests while the cap is full.
    const again = await new Registration(authenticated, ANNA, { domain: PBX }).register({ expires: 300 });
    assert.equal(again.status, 200, again.raw);
  });

  it('closes an idle unauthenticated connection after the timeout, not an authenticated one', async () => {
    sim = await startSim({ sipUnauthTimeoutMs: 300 });
    const tcp = await registered('tcp');
    const ws = await registered('ws');
    const idle = await idleTcp(sim.addresses.sipTcp);
    sockets.push(idle.socket);
    const idleWs = new WebSocket(sim.addresses.sipWs, ['sip']);
    const idleWsClosed = new Promise<void>((resolve) => idleWs.once('close', () => resolve()));
    idleWs.on('error', () => {});
    await Promise.all([idle.closed, idleWsClosed]);
    assert.ok(tcp.isOpen && ws.isOpen, 'authenticated connections keep the idle rules');
    for (const c of [tcp, ws]) {
      const reply = await new Registration(c, ANNA, { domain: PBX }).register({ expires: 300 });
      assert.equal(reply.status, 200, reply.raw);
    }
  });
});
