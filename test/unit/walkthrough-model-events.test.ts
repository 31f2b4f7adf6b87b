// WalkthroughModel's reactions, with a stand-in session: it judges again when the session has loaded new PBX data,
// not when it only redraws; Teams sign-ins come from the events alone; concurrent reloads fold into one more load.
import assert from 'node:assert/strict';
import type { SimEvent } from '../../shared/schemas/events.js';
import { Emitter } from '../../extension/src/model/emitter.js';
import type { PbxSession } from '../../extension/src/model/pbxSession.js';
import type { SessionManager } from '../../extension/src/model/sessions.js';
import { WalkthroughModel } from '../../extension/src/model/walkthroughModel.js';
import type { PbxFacts } from '../../extension/src/prerequisites/pbxChecks.js';
import { until } from '../support/until.js';

/** A PBX that meets every rule the PBX can show, for user admin. */
const FACTS: PbxFacts = {
  snapshot: {
    source: 'simulator',
    version: '8.1.0.4',
    minVersion: '6.7.3.11',
    licences: [
      { type: 'UCC-Client Premium', count: 1, used: 1 },
      { type: 'MS Teams Integration', count: 1, used: 1 },
    ],
    users: [
      {
        id: 1,
        login: 'admin',
        name: 'Admin',
        licences: ['UCC-Client Premium', 'MS Teams Integration'],
        rights: ['app_premium_perm', 'msteams_perm'],
        app: { active: true, platform: 'windows' },
      },
    ],
    modules: [{ name: 'Teams Integration', version: '1.0' }],
    configurations: [
      {
        id: 7,
        name: 'Teams',
        module: 'Teams Integration',
        active: true,
        mode: 'FULL_INTEGRATION',
        pbxName: 'pbx.example.com',
        autoprovisioning: true,
        hasKey: true,
        revision: 3,
        connector: { active: true, appliedRevision: 3 },
        applied: null,
        log: null,
      },
    ],
  },
  selected: [],
  simulator: true,
};
FACTS.selected = FACTS.snapshot.users!;

class FakeSession {
  state: PbxSession['state'] = 'ready';
  data: object = {};
  readonly connection = { name: 'Sim', login: 'admin' };
  readonly changed = new Emitter<FakeSession>();
  readonly events = new Emitter<SimEvent[]>();
  readonly onDidChange = this.changed.event;
  readonly onDidReceiveEvents = this.events.event;
}

class FakeSessions {
  readonly changed = new Emitter<FakeSession | undefined>();
  readonly onDidChange = this.changed.event;
  constructor(readonly session: FakeSession) {
    session.onDidChange((s) => this.changed.fire(s));
  }
  get all() {
    return [this.session];
  }
  get selected() {
    return this.session;
  }
}

const teamsEvent = (event: string, data: Record<string, unknown>, seq = 1): SimEvent => ({
  seq,
  time: new Date(0).toISOString(),
  service: 'sim.events.teams',
  event,
  data,
});

describe('WalkthroughModel (stand-in session)', () => {
  let session: FakeSession;
  let loads: number;
  let release: (() => void) | undefined;
  let model: WalkthroughModel;

  beforeEach(() => {
    session = new FakeSession();
    loads = 0;
    release = undefined;
  });
  afterEach(() => model?.dispose());

  it('loads once for the signed-in session and judges every PBX step', async () => {
    const sessions = new FakeSessions(session);
    model = new WalkthroughModel(sessions as unknown as SessionManager, undefined, async () => {
      loads++;
      return FACTS;
    });
    await until('judged', () => model.state('connector').status === 'done' || undefined);
    assert.equal(loads, 1);
    assert.equal(model.state('signIn').status, 'unknown');
  });

  it('a redraw (same PBX data) loads nothing; new PBX data loads again', async () => {
    const sessions = new FakeSessions(session);
    model = new WalkthroughModel(sessions as unknown as SessionManager, undefined, async () => {
      loads++;
      return FACTS;
    });
    await until('first load', () => model.state('version').status === 'done' || undefined);
    const first = loads;
    session.changed.fire(session);
    // A load would have started within this turn of the event loop (the model yields once before loading).
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(loads, first, 'the redraw did not load');
    session.data = {};
    session.changed.fire(session);
    await until('a load for the new data', () => loads > first || undefined);
  });

  it('a Teams sign-in event ticks the Teams steps without a load; a configuration event unticks the sign-in', async () => {
    const sessions = new FakeSessions(session);
    model = new WalkthroughModel(sessions as unknown as SessionManager, undefined, async () => {
      loads++;
      return FACTS;
    });
    await until('first load', () => model.state('version').status === 'done' || undefined);
    const before = loads;
    const changes: string[] = [];
    model.onDidChange((states) => changes.push(states.find((s) => s.id === 'signIn')!.status));
    session.events.fire([teamsEvent('sign-in', { login: 'admin', unmet: [] })]);
    assert.equal(model.state('signIn').status, 'done', 'judged at once, from the event');
    assert.equal(model.state('teamsApp').status, 'done');
    assert.equal(loads, before, 'no load for a sign-in');
    session.events.fire([{ ...teamsEvent('updated', { id: 7 }, 2), service: 'sim.events.config' }]);
    assert.equal(model.state('signIn').status, 'unknown');
    assert.deepEqual(changes, ['done', 'unknown']);
  });

  it('signing out forgets the sign-ins and unticks everything', async () => {
    const sessions = new FakeSessions(session);
    model = new WalkthroughModel(sessions as unknown as SessionManager, undefined, async () => FACTS);
    await until('first load', () => model.state('version').status === 'done' || undefined);
    session.events.fire([teamsEvent('sign-in', { login: 'admin', unmet: [] })]);
    session.state = 'signed-out';
    session.changed.fire(session);
    await until('nothing ticked', () => model.states.every((s) => s.status === 'unknown') || undefined);
    session.state = 'ready';
    session.data = {};
    session.changed.fire(session);
    await until('judged again', () => model.state('version').status === 'done' || undefined);
    assert.equal(model.state('signIn').status, 'unknown', 'the earlier sign-in is forgotten');
  });

  it('reloads asked for during a load fold into one more load', async () => {
    const sessions = new FakeSessions(session);
    model = new WalkthroughModel(sessions as unknown as SessionManager, undefined, () => {
      loads++;
      return new Promise<PbxFacts>((resolve) => (release = () => resolve(FACTS)));
    });
    await until('the first load started', () => release);
    const r1 = model.reload();
    const r2 = model.reload();
    const r3 = model.reload();
    release!();
    await until('the second load started', () => loads === 2 || undefined);
    release!();
    await Promise.all([r1, r2, r3]);
    assert.equal(loads, 2);
    assert.equal(model.state('version').status, 'done');
  });
});
