import assert from 'node:assert/strict';
import { englishOnly } from '../../extension/src/text/i18n.js';
import { flatten, PrerequisitesModel, worst } from '../../extension/src/model/tree/prerequisitesModel.js';
import { SessionManager } from '../../extension/src/model/sessions.js';
import { rehearseSignIn } from '../../extension/src/prerequisites/rehearsal.js';
import { checkPrerequisites } from '../../extension/src/prerequisites/run.js';
import type { Connection } from '../../shared/schemas/connection.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';
import { until } from '../support/until.js';

const ctx = { t: englishOnly, language: 'en' };

describe('PrerequisitesModel (a real prerequisites report of the demo simulator)', function () {
  this.timeout(20_000);
  let sim: RunningSim;
  let sessions: SessionManager;
  let model: PrerequisitesModel;
  let following: { dispose(): void };

  const connection = (name: string): Connection => ({
    name,
    url: sim.base.replace(/\/rest$/, ''),
    login: 'admin',
    kind: 'simulator',
    auth: 'auto',
  });
  const session = () => sessions.get('Sim')!;
  const run = async () => {
    const report = await checkPrerequisites(session().api, { machine: false });
    model.setReport('Sim', report, session().data);
    return report;
  };

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    sessions = new SessionManager();
    sessions.setConnections([connection('Sim'), connection('Other')]);
    sessions.select('Sim');
    await session().signIn(ADMIN_PASSWORD);
    await until('live events', () => session().live.state === 'live');
    model = new PrerequisitesModel();
    following = model.follow(sessions);
  });

  afterEach(async () => {
    following.dispose();
    model.dispose();
    sessions.dispose();
    await sim.stop();
  });

  it('groups the report: PBX, Users (one node per user, by login), Teams app; ids are unique', async () => {
    await run();
    const roots = model.nodes(ctx);
    assert.equal(roots[0]!.kind, 'summary');
    assert.equal(roots[0]!.label, 'Sim');
    assert.deepEqual(
      roots.slice(1).map((n) => n.label),
      ['PBX', 'Users', 'Teams app'],
      'machine: false leaves "This machine" out',
    );
    const users = roots.find((n) => n.label === 'Users')!;
    assert.deepEqual(
      users.children!.map((u) => [u.label, u.status]),
      [
        ['1001 Anna Albers', 'pass'],
        ['1002 Bernd Brandt', 'fail'],
        ['1003 Carla Conrad', 'fail'],
      ],
    );
    assert.equal(users.status, 'fail');
    const r10 = users.children![1]!.children!.find((n) => n.result?.id === 'R10')!;
    assert.equal(r10.contextValue, 'prerequisite.fail.fixable');
    assert.match(r10.tooltip!, /Guide: „Recht "Integration mit Microsoft Teams"“/);
    assert.match(
      r10.tooltip!,
      /🔧 Grant the right "Integration mit Microsoft Teams" to 1002$/m,
      'the fix names the login',
    );
    const ids = flatten(roots).map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'tree item ids are unique');
    assert.equal(worst(['pass', 'unknown', 'warn']), 'warn');
  });

  it('marks the report stale on a PBX change or another selection, not on a rehearsal or a reload of the same data', async () => {
    const report = await run();
    await session().refresh();
    const config = session().data!.configurations![0]!.configuration;
    const outcome = await rehearseSignIn(session().api, {
      pbxName: config.pbxName,
      keyFile: JSON.stringify(await session().api.keyFile(config.id)),
      ...DEMO_USERS.anna,
    });
    assert.equal(outcome.ok, true);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(model.stale, false, 'a reload with the same data and a sign-in change nothing the report shows');

    await session().api.updateConfiguration(config.id, { autoprovisioning: false });
    await until('stale after a configuration change', () => model.stale);
    assert.equal(model.report, report, 'the report is kept');
    assert.equal(model.nodes(ctx)[0]!.description, 'outdated — run again');

    await run();
    assert.equal(model.stale, false);
    sessions.select('Other');
    assert.equal(model.stale, true, 'another connection selected');
  });

  it('clear() drops the report and the rehearsal', async () => {
    await run();
    const config = session().data!.configurations![0]!.configuration;
    model.setRehearsal(
      await rehearseSignIn(session().api, {
        pbxName: config.pbxName,
        keyFile: JSON.stringify(await session().api.keyFile(config.id)),
        ...DEMO_USERS.anna,
      }),
    );
    assert.ok(model.nodes(ctx).some((n) => n.id === 'prereq:rehearsal'));
    model.clear();
    assert.equal(model.report, undefined);
    assert.equal(model.rehearsal, undefined);
    assert.deepEqual(model.nodes(ctx), []);
  });
});
