// WalkthroughModel against a real simulator started from `fresh`: the steps follow the PBX's live events (no
// reload is asked for), the prerequisites fixes of each step make it tick, and breaking a rule again unticks it.
import assert from 'node:assert/strict';
import type { Connection } from '../../shared/schemas/connection.js';
import { SessionManager } from '../../extension/src/model/sessions.js';
import { WalkthroughModel } from '../../extension/src/model/walkthroughModel.js';
import { applyFix } from '../../extension/src/prerequisites/fixes.js';
import { rehearseSignIn } from '../../extension/src/prerequisites/rehearsal.js';
import { STEP_IDS, type StepId, type StepStatus } from '../../extension/src/walkthrough/steps.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';
import { until } from '../support/until.js';

const PBX_NAME = 'pbx.example.com';

describe('WalkthroughModel (a real simulator from "fresh", live events)', function () {
  this.timeout(60_000);
  let sim: RunningSim;
  let sessions: SessionManager;
  let model: WalkthroughModel;

  const session = () => sessions.get('Sim')!;
  const status = (id: StepId) => model.state(id).status;
  const statusIs = (id: StepId, want: StepStatus) =>
    until(`step ${id} is ${want} (now ${status(id)}: ${JSON.stringify(model.state(id).results)})`, () =>
      status(id) === want ? true : undefined,
    );

  /** The step's own fixes, applied as the walkthrough's "Do it for me" applies them; no reload is triggered here. */
  async function fixStep(id: StepId): Promise<void> {
    const fixes = model.state(id).fixes;
    assert.ok(fixes.length > 0, `step ${id} offers a fix`);
    for (const fix of fixes)
      await applyFix(session().api, fix.kind === 'setPbxName' ? { ...fix, pbxName: PBX_NAME } : fix);
  }

  before(async () => {
    sim = await startSim({ scenario: 'fresh' });
    const connection: Connection = {
      name: 'Sim',
      url: sim.base.replace(/\/rest$/, ''),
      login: 'admin',
      kind: 'simulator',
      auth: 'auto',
    };
    sessions = new SessionManager();
    sessions.setConnections([connection]);
    model = new WalkthroughModel(sessions);
    assert.ok(
      model.states.every((s) => s.status === 'unknown'),
      'nothing is ticked before a PBX is signed in',
    );
    await session().signIn(ADMIN_PASSWORD);
    await until('live events', () => session().live.state === 'live');
  });

  after(async () => {
    model?.dispose();
    sessions?.dispose();
    await sim?.stop();
  });

  it('starts from a fresh PBX: the version passes, everything else is to do', async () => {
    await statusIs('version', 'done');
    for (const id of STEP_IDS.slice(1, 11)) assert.equal(status(id), 'open', id);
    assert.equal(status('teamsApp'), 'unknown');
    assert.equal(status('signIn'), 'unknown');
  });

  it('ticks each step once its fixes reach the PBX, in the guide’s order', async () => {
    for (const id of [
      'licences',
      'rights',
      'desktopApp',
      'module',
      'configuration',
      'mode',
      'pbxName',
      'key',
      'autoprovisioning',
      'connector',
    ] as const) {
      if (status(id) !== 'done') await fixStep(id);
      await statusIs(id, 'done');
    }
    for (const id of STEP_IDS.slice(0, 11)) assert.equal(status(id), 'done', `${id} is still ticked at the end`);
  });

  it('ticks the Teams steps on a Teams sign-in, read from the event it causes', async () => {
    const config = (await session().api.configurations())[0]!;
    const keyFile = JSON.stringify(await session().api.keyFile(config.id));
    const outcome = await rehearseSignIn(session().api, {
      pbxName: PBX_NAME,
      keyFile,
      login: 'admin',
      password: ADMIN_PASSWORD,
    });
    assert.ok(outcome.ok, JSON.stringify(outcome.results));
    await statusIs('signIn', 'done');
    assert.equal(status('teamsApp'), 'done');
  });

  it('unticks a step when its rule fails again, and ticks it when it passes again', async () => {
    const id = (await session().api.configurations())[0]!.id;
    await session().api.updateConfiguration(id, { active: false });
    await statusIs('configuration', 'open');
    await statusIs('signIn', 'unknown');
    assert.equal(status('teamsApp'), 'done', 'the app stays installed');
    await session().api.updateConfiguration(id, { active: true });
    await statusIs('configuration', 'done');
    // Deactivating the configuration stopped its UCI connector (R18): that step stays unticked until restarted.
    await statusIs('connector', 'open');
    await fixStep('connector');
    await statusIs('connector', 'done');

    await session().api.updateConfiguration(id, { autoprovisioning: false });
    await statusIs('autoprovisioning', 'open');
    await statusIs('connector', 'open');
    await fixStep('autoprovisioning');
    await statusIs('autoprovisioning', 'done');
    await statusIs('connector', 'done');
  });
});
