/**
 * The UCI as a client written for a real STARFACE sees it: test/python/starface_uci_client.py uses only
 * Python's standard library (xmlrpc.client, SimpleXMLRPCServer), signs in as public clients do, registers
 * callback handlers that take exactly one struct, and calls every v20/v22/v30 method of the fact sheet once.
 * Call states come from a real sip.js call; the journal from the same call.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { UCI_ERRORS } from '../../shared/schemas/uci.js';
import { UCI_XMLRPC_LOG_EVENTS } from '../../shared/schemas/uciXmlRpc.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { call, loadSipJs, startPhone, stopPhones, type Phone, type SipModule } from '../support/sipjs.js';
import { cleanUp } from '../support/cleanup.js';
import { testTlsChildEnv } from '../support/testTls.js';

const SCRIPT = join(__dirname, '..', 'python', 'starface_uci_client.py');

interface Line {
  step?: string;
  event?: string;
  struct?: Record<string, unknown>;
  ok?: boolean;
  result?: unknown;
  faultCode?: number;
  faultString?: string;
  [k: string]: unknown;
}

/** The Python client as a child process: commands on stdin, one JSON object per stdout line. */
class PythonClient {
  readonly lines: Line[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly stderr: string[] = [];

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (l) => {
      this.lines.push(JSON.parse(l) as Line);
      for (const w of this.waiters.splice(0)) w();
    });
    child.stderr.on('data', (d: Buffer) => this.stderr.push(d.toString()));
  }

  static start(pbx: string, user: { login: string; password: string }): PythonClient {
    const child = spawn('python3', [SCRIPT, JSON.stringify({ pbx, login: user.login, password: user.password })], {
      env: testTlsChildEnv(),
    });
    return new PythonClient(child);
  }

  send(cmd: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
  }

  async waitFor(what: string, check: (l: Line) => boolean, ms = 15_000): Promise<Line> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.lines.find(check);
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`python client: no ${what}; stderr: ${this.stderr.join('')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  step(name: string): Promise<Line> {
    return this.waitFor(`step ${name}`, (l) => l.step === name);
  }

  async command(cmd: Record<string, unknown> & { cmd: string }): Promise<Line> {
    const before = this.lines.length;
    this.send(cmd);
    return this.waitFor(`answer to ${cmd.cmd}`, (l) => this.lines.indexOf(l) >= before && l.step === cmd.cmd);
  }

  events(method: string): Record<string, unknown>[] {
    return this.lines.filter((l) => l.event === method).map((l) => l.struct ?? {});
  }
}

describe('simulator: UCI with a Python client written for a real STARFACE (stdlib only)', function () {
  this.timeout(60_000);
  let SIP: SipModule;
  let sim: RunningSim;
  let py: PythonClient | undefined;
  let phones: Phone[] = [];

  before(async function () {
    const probe = spawnSync('python3', ['--version']);
    assert.equal(probe.status, 0, 'python3 is needed for this test (it is on every machine this runs on)');
    SIP = await loadSipJs();
    sim = await startSim({ scenario: 'demo' });
  });

  after(() =>
    cleanUp(
      () => {
        py?.child.kill();
      },
      () => stopPhones(phones),
      () => sim?.stop(),
    ),
  );

  it('signs in, takes one-struct callbacks for a real call, user states and the journal, and every method answers', async () => {
    const pbx = new URL(sim.addresses.xmlRpc).origin;
    py = PythonClient.start(pbx, DEMO_USERS.anna);
    const client = py;

    // Before login: the version (MXH) and "am I signed in?" (keepAlive false, not a fault).
    const version = await client.step('version-before-login');
    assert.equal(version.ok, true, version.faultString);
    assert.match(String(version.result), /^\d+\.\d+/);
    assert.deepEqual((await client.step('keepalive-before-login')).result, false);
    for (const step of ['login', 'subscribe-call', 'subscribe-user-state', 'v20-login', 'v20-provide', 'v20-probe']) {
      const l = await client.step(step);
      assert.equal(l.result, true, `${step}: ${l.faultString ?? JSON.stringify(l.result)}`);
    }
    assert.ok(Array.isArray((await client.step('v20-phones')).result));
    assert.deepEqual((await client.step('v20-call-ids')).result, []);
    assert.deepEqual((await client.step('v20-unknown-call')).result, {}, 'v20 getCallState of an unknown call: {}');
    await client.step('ready');

    // A real SIP call: anna calls bernd, bernd answers, anna hangs up.
    const wsUrl = sim.addresses.sipWs;
    const anna = await startPhone(SIP, wsUrl, DEMO_USERS.anna);
    const bernd = await startPhone(SIP, wsUrl, DEMO_USERS.bernd);
    phones = [anna, bernd];
    const outcome = call(SIP, anna, DEMO_USERS.bernd.login);
    await outcome.accepted;
    await client.waitFor('CONNECTED', (l) => l.struct?.state === 'CONNECTED');
    await outcome.inviter.bye();
    const hangup = (method: string) =>
      client.waitFor(`${method} HANGUP`, (l) => l.event === method && l.struct?.state === 'HANGUP');
    await hangup('ucp.v22.events.call.receiveCallState');
    await hangup('ucp.v20.client.communication.call.receiveCallState');
    for (const method of [
      'ucp.v22.events.call.receiveCallState',
      'ucp.v20.client.communication.call.receiveCallState',
    ]) {
      const states = client.events(method);
      assert.deepEqual(
        states.map((s) => s.state),
        ['PROCEEDING', 'RINGBACK', 'CONNECTED', 'HANGUP'],
        `${method}: the caller's states in order`,
      );
      for (const s of states) {
        assert.deepEqual(Object.keys(s).sort(), [
          'calledName',
          'calledNumber',
          'callerName',
          'callerNumber',
          'id',
          'state',
          'timestamp',
        ]);
        assert.equal(s.callerNumber, DEMO_USERS.anna.login);
        assert.equal(s.calledNumber, DEMO_USERS.bernd.login);
        assert.match(String(s.timestamp), /^\d+$/);
      }
      assert.equal(new Set(states.map((s) => s.id)).size, 1, 'one call id through the call');
    }

    // A user state event for a DND change.
    const dnd = await client.command({
      cmd: 'call',
      method: 'ucp.v22.requests.userState.setDoNotDisturbSetting',
      params: [true],
    });
    assert.equal(dnd.result, true);
    const state = await client.waitFor(
      'user state',
      (l) => l.event === 'ucp.v22.events.userState.receiveUserState' && l.struct?.chatPresence === 'DO_NOT_DISTURB',
    );
    assert.equal(state.struct?.login, DEMO_USERS.anna.login);

    // The journal of that call.
    const journal = await client.command({ cmd: 'journal' });
    assert.equal(journal.ok, true, journal.faultString);
    const page = journal.result as { entries: Record<string, unknown>[]; totalCount: number };
    const entry = page.entries.find((e) => e.calledNumber === DEMO_USERS.bernd.login);
    assert.ok(entry, `an entry for the call to bernd in ${JSON.stringify(page)}`);
    assert.equal(entry.direction, 'OUTBOUND');
    assert.equal(entry.result, 'ANSWERED');
    assert.equal(page.totalCount >= 1, true);

    // Every method of the fact sheet once.
    const answer = async (method: string, params: unknown[] = []) => {
      const l = await client.command({ cmd: 'call', method, params });
      assert.equal(l.ok, true, `${method}: ${l.faultCode} ${l.faultString}`);
      return l.result as any;
    };
    const keys = (await answer('ucp.v22.requests.functionKey.getFunctionKeys')) as Record<string, unknown>[];
    const blf = keys.find((k) => k.type === 'BUSY_LAMP_FIELD');
    const groups = (await answer('ucp.v22.requests.group.getGroupSettings')) as Record<string, unknown>[];
    const redirects = (await answer('ucp.v22.requests.redirect.getRedirectSettings')) as Record<string, unknown>[];
    const numbers = (await answer('ucp.v22.requests.phone.getAvailableDisplayNumbers')) as Record<string, unknown>[];
    const voicemail = (await answer('ucp.v22.requests.voicemailList.getVoicemailList', [
      new Date(Date.now() + 60_000).toISOString(),
      '2000-01-01T00:00:00Z',
    ])) as { entries: Record<string, unknown>[] };
    const ids = {
      dial: '1099',
      phone: ((await answer('ucp.v22.requests.phone.getPhoneIds')) as string[])[0],
      key: blf?.id,
      group: groups[0]?.groupId,
      redirect: redirects[0]?.id,
      displayNumber: numbers[0]?.id,
      voicemail: voicemail.entries[0]?.id,
      journal: entry.id,
    };
    for (const [name, id] of Object.entries(ids))
      assert.ok(id, `the demo gives anna a ${name} to call the methods with: ${JSON.stringify(ids)}`);
    const every = await client.command({ cmd: 'every-method', ids });
    const calls = every.calls as Line[];
    const expectedFaults: Record<string, number> = {
      'ucp.v22.requests.fax.getFaxIds': UCI_ERRORS.notSimulated,
      // A busy lamp field controls no redirect.
      'ucp.v22.requests.functionKey.getRedirectSettingsForKey': UCI_ERRORS.refused,
    };
    const seen = new Set<string>();
    for (const c of calls) {
      const method = String(c.method);
      if (method === 'ucp.v22.requests.call.getCallState' && !seen.has(method))
        assert.equal(c.faultCode, UCI_ERRORS.notFound, 'v22 getCallState of an unknown call is a fault');
      else if (expectedFaults[method] !== undefined) {
        assert.equal(c.faultCode, expectedFaults[method], `${method}: ${c.faultString}`);
        if (method.includes('.fax.')) assert.match(String(c.faultString), /not simulated/);
      } else assert.equal(c.ok, true, `${method}: ${c.faultCode} ${c.faultString}`);
      seen.add(method);
    }
    const methods = [...seen];
    for (const family of ['ucp.v20.server.', 'ucp.v22.requests.', 'ucp.v30.requests.'])
      assert.ok(
        methods.some((m) => m.startsWith(family)),
        `a ${family} method was called`,
      );
    assert.ok(methods.length >= 50, `${methods.length} methods called`);

    // Every callback URL named the user (and echoed the client's own auth).
    const queries = (await client.command({ cmd: 'callback-queries' })).queries as Record<string, string>[];
    assert.ok(queries.length > 0);
    for (const q of queries) {
      assert.equal(q['de.vertico.starface.user'], DEMO_USERS.anna.login);
      assert.match(q['de.vertico.starface.auth'] ?? '', /^1001:[0-9a-f]{128}$/);
    }

    // No callback was refused by the one-struct handlers.
    const log = (await sim.admin.get('/sim/events?sinceSeq=0&limit=10000')).body.events as { event: string }[];
    assert.equal(log.filter((e) => e.event === UCI_XMLRPC_LOG_EVENTS.rejected).length, 0);

    // Logout: keepAlive answers false.
    client.send({ cmd: 'logout' });
    assert.equal((await client.step('logout')).result, true);
    assert.equal((await client.step('keepalive-after-logout')).result, false);

    // The v20 session declared ucp.v20.client.connection: stopping the simulator resets it.
    await stopPhones(phones);
    phones = [];
    await sim.stop();
    await client.waitFor('reset', (l) => l.event === 'ucp.v20.client.connection.reset');
    client.send({ cmd: 'quit' });
    await client.step('bye');
  });
});
