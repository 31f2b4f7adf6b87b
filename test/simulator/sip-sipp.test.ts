import assert from 'node:assert/strict';
import { SIM_SERVICES, type SimEvent } from '../../shared/schemas/events.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { describeRun, findSipp, freePort, runSipp, type SippRun } from '../support/sipp.js';
import { cleanUp } from '../support/cleanup.js';
import { assertGranted } from '../support/expiry.js';

/**
 * sipp (Debian sip-tester) against the registrar over UDP (-t u1) and TCP (-t t1). sipp does MD5 only and does
 * not expand per-call keywords inside [authentication …], so every scenario registers one user: 1001.
 */
const USER = DEMO_USERS.anna;
const AUTH = `[authentication username=${USER.login} password=${USER.password}]`;

interface Step {
  cseq: number;
  expires: number;
  auth: boolean;
  /** Responses to expect, in order; the first may carry actions. */
  expect: string;
}

/** One REGISTER of 1001 to the address sipp talks to, Request-URI and AOR in the domain of that address. */
function register(step: Step): string {
  return `  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[service]@[remote_ip]>;tag=[pid]SIPpTag[call_number]
To: <sip:[service]@[remote_ip]>
Call-ID: [call_id]
CSeq: ${step.cseq} REGISTER
Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
Max-Forwards: 70
Expires: ${step.expires}
User-Agent: sipp
${step.auth ? `${AUTH}\n` : ''}Content-Length: 0

]]></send>
${step.expect}
`;
}

const scenario = (name: string, body: string) => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="${name}">
${body}</scenario>
`;

const challenged = '  <recv response="401" auth="true"/>';
const ok = '  <recv response="200"/>';

describe('SIP registrar with sipp', function () {
  this.timeout(60_000);
  let sim: RunningSim;
  let events: SimEvent[] = [];
  let unsubscribe: () => void;

  before(async function () {
    // Installs sip-tester when running as root, else fails with the command to run: never a silent skip.
    this.timeout(600_000);
    await findSipp();
    // Refusals are reported per source address, the first at once and the rest per window: every transport's run
    // comes from 127.0.0.1, so a window of 1 ms lets each run's 423 be reported at once again.
    sim = await startSim({ sipRefusalWindowMs: 1 });
    unsubscribe = sim.sim.subscribe((e) => {
      if (e.service === SIM_SERVICES.registrar) events.push(e);
    });
  });
  after(() =>
    cleanUp(
      () => unsubscribe?.(),
      () => sim?.stop(),
    ),
  );
  beforeEach(() => {
    events = [];
  });

  const bindings = async (): Promise<any[]> => (await sim.admin.get('/sim/registrations')).body;
  const names = () => events.map((e) => e.event);

  function assertPassed(run: SippRun): void {
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.successful, 1, describeRun(run));
    assert.equal(run.failed, 0, describeRun(run));
  }

  for (const transport of ['udp', 'tcp'] as const) {
    describe(`over ${transport.toUpperCase()}`, () => {
      const remote = () => (transport === 'udp' ? sim.addresses.sipUdp : sim.addresses.sipTcp);
      const T = transport.toUpperCase();
      let localPort: number;
      const callIdFormat = `sipp-${transport}-%u-${process.pid}@test`;
      const run = (name: string, body: string) =>
        runSipp({
          remote: remote(),
          transport,
          scenario: scenario(name, body),
          service: USER.login,
          localPort,
          callIdFormat,
        });

      before(async () => {
        // The same local port and Call-ID across the runs: the same UA coming back.
        localPort = await freePort();
      });

      it('REGISTER with digest (MD5), then a re-register with the same Call-ID and CSeq+1', async () => {
        const sentAt = Date.now();
        const result = await run(
          'register',
          register({ cseq: 1, expires: 300, auth: false, expect: challenged }) +
            register({ cseq: 2, expires: 300, auth: true, expect: ok }) +
            register({ cseq: 3, expires: 600, auth: true, expect: ok }),
        );
        assertPassed(result);
        assert.deepEqual(names(), ['registered', 'refreshed']);
        const list = await bindings();
        assert.equal(list.length, 1, JSON.stringify(list));
        const [b] = list;
        assert.equal(b.aor, `sip:${USER.login}@127.0.0.1`);
        assert.equal(b.contact, `sip:${USER.login}@127.0.0.1:${localPort};transport=${T}`);
        assert.equal(b.transport, T);
        assert.equal(b.callId, callIdFormat.replace('%u', '1'));
        assert.equal(b.cseq, 3);
        assertGranted(b, 600, sentAt);
        assert.equal(b.userAgent, 'sipp');
      });

      it('unregister (Expires: 0) removes the binding', async () => {
        assert.equal((await bindings()).length, 1, 'registered by the previous test');
        const result = await run(
          'unregister',
          register({ cseq: 4, expires: 0, auth: false, expect: challenged }) +
            register({ cseq: 5, expires: 0, auth: true, expect: ok }),
        );
        assertPassed(result);
        assert.deepEqual(names(), ['unregistered']);
        assert.equal(events[0]!.data.reason, 'expires=0');
        assert.deepEqual(await bindings(), []);
      });

      it('Expires: 30 gets 423 with Min-Expires; the retry with that value is registered', async () => {
        const interval = `  <recv response="423">
    <action>
      <ereg regexp="([0-9]+)" search_in="hdr" header="Min-Expires:" check_it="true" assign_to="min"/>
    </action>
  </recv>`;
        const retry = register({ cseq: 3, expires: 0, auth: true, expect: ok }).replace(
          'Expires: 0',
          'Expires: [$min]',
        );
        const sentAt = Date.now();
        const result = await run(
          'interval-too-brief',
          register({ cseq: 1, expires: 30, auth: false, expect: challenged }) +
            register({ cseq: 2, expires: 30, auth: true, expect: interval }) +
            retry,
        );
        assertPassed(result);
        // The 423 is a refused request: reported with its reason before the retry registers.
        assert.deepEqual(names(), ['request-refused', 'registered']);
        assert.equal(events[0]!.data.reason, 'interval-too-brief');
        assert.equal(events[0]!.data.status, 423);
        const [b] = await bindings();
        assert.equal(b.contact, `sip:${USER.login}@127.0.0.1:${localPort};transport=${T}`);
        assertGranted(b, 60, sentAt);
        assert.equal(b.cseq, 3);
        // Leave nothing behind for the next transport.
        sim.internals.sip!.registrar['bindings'].clear();
      });
    });
  }
});
