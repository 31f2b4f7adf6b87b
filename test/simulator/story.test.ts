/**
 * Stories (/rest/sim/story): the built-in demo played fast on the demo scenario through the simulator's own SIP,
 * UCI and REST listeners, checked by the events it caused, in order; pause, resume, stop; one story at a time;
 * invalid stories; admin only.
 */
import assert from 'node:assert/strict';
import { CALL_EVENT_SERVICE } from '../../shared/schemas/calls.js';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { USER_STATE_SERVICE } from '../../shared/schemas/uci.js';
import { assertError } from '../support/apiErrors.js';
import { DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import type { SimEventEntry } from '../support/simEvents.js';
import { until } from '../support/until.js';

/** A story that registers Anna and then waits long: time enough to pause, refuse and stop. */
const LONG_STORY = {
  name: 'long',
  description: { en: 'Waits.', de: 'Wartet.' },
  steps: [
    {
      say: { en: 'Anna registers.', de: 'Anna meldet sich an.' },
      action: { do: 'register', user: '1001' },
      pauseMs: 600_000,
    },
    {
      say: { en: 'Bernd registers.', de: 'Bernd meldet sich an.' },
      action: { do: 'register', user: '1002' },
      pauseMs: 0,
    },
  ],
};

describe('simulator: stories (/rest/sim/story)', function () {
  this.timeout(30_000);
  let sim: RunningSim;

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
  });
  afterEach(() => sim?.stop());

  const lastSeq = async (): Promise<number> => (await sim.admin.get('/sim/events?sinceSeq=0&limit=1')).body.lastSeq;
  const eventsSince = async (seq: number): Promise<SimEventEntry[]> =>
    (await sim.admin.get(`/sim/events?sinceSeq=${seq}`)).body.events;
  const idle = () =>
    until(
      'the story to end',
      async () => {
        const s = (await sim.admin.get('/sim/story')).body;
        return s.state === 'idle' && s;
      },
      25_000,
    );
  const storyEvent = (event: string, step?: number) => (e: SimEventEntry) =>
    e.service === SIM_SERVICES.story && e.event === event && (step === undefined || e.data.step === step);

  /** Asserts that events matching `expected` come in this order, each after the one before; answers their seqs. */
  function inOrder(events: SimEventEntry[], expected: [string, (e: SimEventEntry) => boolean][]): number[] {
    let from = 0;
    return expected.map(([what, match]) => {
      const i = events.findIndex((e, n) => n >= from && match(e));
      assert.ok(i >= 0, `${what} after seq ${events[from]?.seq}`);
      from = i + 1;
      return events[i]!.seq;
    });
  }

  it('plays the demo story: registrations, calls, a missed call, presence, R17 pending then applied, in order', async () => {
    const before = await lastSeq();
    const started = await sim.admin.post('/sim/story', { name: 'demo', speed: 1000 });
    assert.equal(started.status, 202);
    assert.equal(started.body.state, 'playing');
    assert.equal(started.body.story, 'demo');
    assert.equal(started.body.steps, 10);
    const final = await idle();
    assert.equal(final.error, undefined, final.error);
    assert.equal(final.step, 10);

    const events = await eventsSince(before);
    const registered = (login: string) => (e: SimEventEntry) =>
      e.service === SIM_SERVICES.registrar && e.event === 'registered' && e.data.login === login;
    const callState = (login: string, state: string) => (e: SimEventEntry) =>
      e.service === CALL_EVENT_SERVICE && e.data.login === login && e.data.state === state;
    const journal = (login: string) => (e: SimEventEntry) =>
      e.service === SIM_SERVICES.callJournal && e.data.login === login;
    inOrder(events, [
      ['story started', storyEvent('started')],
      ['step 1 started', storyEvent('step-started', 1)],
      ['1001 registered', registered('1001')],
      ['1002 registered', registered('1002')],
      ['1003 registered', registered('1003')],
      ['step 4 started', storyEvent('step-started', 4)],
      ['1001 PROCEEDING (click-to-dial)', callState('1001', 'PROCEEDING')],
      ['1003 INCOMING', callState('1003', 'INCOMING')],
      ['1003 CONNECTED', callState('1003', 'CONNECTED')],
      ['1003 HANGUP', callState('1003', 'HANGUP')],
      ['step 5 started', storyEvent('step-started', 5)],
      ['1002 CONNECTED to the hotline', callState('1002', 'CONNECTED')],
      ['1002 HANGUP', callState('1002', 'HANGUP')],
      ['step 6 started', storyEvent('step-started', 6)],
      ['1002 RINGING', callState('1002', 'RINGING')],
      ['1002 HANGUP unanswered', callState('1002', 'HANGUP')],
      ["1002's journal", journal('1002')],
      ['step 7 started', storyEvent('step-started', 7)],
      [
        '1001 do not disturb',
        (e) => e.service === USER_STATE_SERVICE && e.data.login === '1001' && e.data.chatPresence === 'DO_NOT_DISTURB',
      ],
      ['step 8 started', storyEvent('step-started', 8)],
      ['configuration changed', (e) => e.service === SIM_SERVICES.config && e.event === 'configuration-changed'],
      [
        'restart the connector (R17)',
        (e) => e.service === SIM_SERVICES.log && e.event === 'config-changed' && e.data.level === 'warn',
      ],
      ['step 9 started', storyEvent('step-started', 9)],
      ['connector stopped', (e) => e.service === SIM_SERVICES.connector && e.event === 'stopped'],
      ['connector started', (e) => e.service === SIM_SERVICES.connector && e.event === 'started'],
      ['step 10 done', storyEvent('step-done', 10)],
      ['phones unregistered', (e) => e.service === SIM_SERVICES.registrar && e.event === 'unregistered'],
      ['story finished', storyEvent('finished')],
    ]);
    // Step 1's narration travels with its event, in both languages.
    const step1 = events.find(storyEvent('step-started', 1))!;
    assert.deepEqual(Object.keys(step1.data.say as object).sort(), ['de', 'en']);
    assert.equal(events.filter(storyEvent('step-done')).length, 10);

    // Bernd's journal holds Carla's call as missed; Anna's the call to Carla as answered.
    const bernd = (await sim.admin.get('/sim/users/3/calljournal?result=MISSED')).body;
    assert.equal(bernd.entries.length, 1);
    assert.equal(bernd.entries[0].callerNumber, '1003');
    const anna = (await sim.admin.get('/sim/users/2/calljournal?direction=OUTBOUND')).body;
    assert.equal(anna.entries[0].result, 'ANSWERED');
    assert.equal(anna.entries[0].calledNumber, '1003');
    // Applied: the change is the running connector's, no R17 warning left.
    const [config] = (await sim.admin.get('/modules/configurations')).body;
    assert.equal(config.autoprovisioning, false);
    assert.equal(config.pendingRestart, false);
    assert.ok(!config.warnings.some((w: { id: string }) => w.id === 'R17'));
    // The story leaves no phone registered.
    assert.deepEqual((await sim.admin.get('/sim/registrations')).body, []);
  });

  it('pauses, resumes and stops; a second story while one plays is refused with 409', async () => {
    const before = await lastSeq();
    assert.equal((await sim.admin.post('/sim/story', { story: LONG_STORY })).status, 202);
    await until('step 1 done', async () => (await eventsSince(before)).some(storyEvent('step-done', 1)));

    const second = await sim.admin.post('/sim/story', { name: 'demo' });
    assertError(second, 409, 'STORY_PLAYING');
    assert.match(second.body.message, /"long" is playing \(step 1 of 2\)/);

    const paused = await sim.admin.put('/sim/story', { paused: true });
    assert.equal(paused.status, 200);
    assert.equal(paused.body.state, 'paused');
    assert.equal((await sim.admin.get('/sim/story')).body.state, 'paused');
    const resumed = await sim.admin.put('/sim/story', { paused: false });
    assert.equal(resumed.body.state, 'playing');

    const stopped = await sim.admin.delete('/sim/story');
    assert.equal(stopped.status, 200);
    assert.equal(stopped.body.state, 'idle');
    assert.equal(stopped.body.step, 1, 'step 2 never started');
    const events = await eventsSince(before);
    inOrder(events, [
      ['started', storyEvent('started')],
      ['1001 registered', (e) => e.service === SIM_SERVICES.registrar && e.event === 'registered'],
      ['paused', storyEvent('paused')],
      ['resumed', storyEvent('resumed')],
      ['unregistered at the stop', (e) => e.service === SIM_SERVICES.registrar && e.event === 'unregistered'],
      ['stopped', storyEvent('stopped')],
    ]);
    assert.ok(!events.some(storyEvent('step-started', 2)));
    assert.deepEqual((await sim.admin.get('/sim/registrations')).body, []);

    // Nothing playing any more: pause and stop say so; a new story may start.
    assertError(await sim.admin.put('/sim/story', { paused: true }), 409, 'NO_STORY');
    assertError(await sim.admin.delete('/sim/story'), 409, 'NO_STORY');
    assert.equal((await sim.admin.post('/sim/story', { story: LONG_STORY })).status, 202);
    assert.equal((await sim.admin.delete('/sim/story')).body.state, 'idle');
  });

  it('a paused story can be stopped', async () => {
    assert.equal((await sim.admin.post('/sim/story', { story: LONG_STORY })).status, 202);
    assert.equal((await sim.admin.put('/sim/story', { paused: true })).body.state, 'paused');
    const stopped = await sim.admin.delete('/sim/story');
    assert.equal(stopped.body.state, 'idle');
    assert.equal((await sim.admin.get('/sim/story')).body.state, 'idle');
  });

  it('an invalid story is refused with 400 naming what is wrong; an unknown name lists the built-in ones', async () => {
    const bad = await sim.admin.post('/sim/story', {
      story: { ...LONG_STORY, steps: [{ say: { en: 'x', de: 'x' }, action: { do: 'dance', user: '1001' } }] },
    });
    assertError(bad, 400, 'INVALID_STORY');
    assert.match(bad.body.message, /steps\.0\.action/);

    const unknown = await sim.admin.post('/sim/story', { name: 'nope' });
    assertError(unknown, 400, 'INVALID_STORY');
    assert.match(unknown.body.message, /built in: demo/);

    assertError(await sim.admin.post('/sim/story', { name: 'demo', speed: 0 }), 400, 'VALIDATION_FAILED');
    assertError(await sim.admin.put('/sim/story', { paused: 'yes' }), 400, 'VALIDATION_FAILED');
    assert.equal((await sim.admin.get('/sim/story')).body.state, 'idle');
  });

  it('a step that cannot be done ends the story with its reason', async () => {
    const before = await lastSeq();
    const story = {
      ...LONG_STORY,
      steps: [
        {
          say: { en: 'A call without a phone.', de: 'Ein Anruf ohne Telefon.' },
          action: { do: 'call', from: '1001', to: '1003' },
        },
      ],
    };
    assert.equal((await sim.admin.post('/sim/story', { story })).status, 202);
    const final = await idle();
    assert.match(final.error, /step 1 \(call\): the phone of 1001 is not registered/);
    assert.ok((await eventsSince(before)).some(storyEvent('failed')));
  });

  it('is for the admin only: a user gets 403', async () => {
    const anna = await sim.as(DEMO_USERS.anna);
    assertError(await anna.post('/sim/story', { name: 'demo' }), 403);
    assertError(await anna.get('/sim/story'), 403);
    assertError(await anna.put('/sim/story', { paused: true }), 403);
    assertError(await anna.delete('/sim/story'), 403);
    assert.equal((await sim.admin.get('/sim/story')).body.state, 'idle');
  });
});
