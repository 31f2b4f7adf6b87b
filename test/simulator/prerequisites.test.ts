import assert from 'node:assert/strict';
import { requirementById } from '../../shared/requirements/rules.js';
import {
  PrerequisitesReportSchema,
  type PrerequisitesReport,
  type PrerequisiteResult,
} from '../../shared/schemas/prerequisites.js';
import { PbxApi } from '../../extension/src/pbx/api.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { createServer, request, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { applyFix, applyFixes, StaleFixError } from '../../extension/src/prerequisites/fixes.js';
import { PrerequisitesUsageError } from '../../extension/src/prerequisites/pbxChecks.js';
import { rehearseSignIn } from '../../extension/src/prerequisites/rehearsal.js';
import { checkPrerequisites, type PrerequisitesOptions } from '../../extension/src/prerequisites/run.js';
import { BROKEN_IDS, DEMO_PBX_NAME } from '../../simulator/src/scenarios/builtin.js';
import { ADMIN_PASSWORD, DEMO_USERS, startSim, type RunningSim } from '../support/rest.js';

/** Not passing, as "R10:fail@1002" (per user) or "R20:unknown" (PBX-wide). */
const notPassing = (report: PrerequisitesReport) =>
  report.results.filter((r) => r.status !== 'pass').map((r) => `${r.id}:${r.status}${r.user ? `@${r.user}` : ''}`);
const failing = (report: PrerequisitesReport) => report.results.filter((r) => r.status === 'fail');

/**
 * R20 (the Teams app distributed in the Teams admin center) cannot be checked through any PBX API, and R21 needs a
 * sign-in rehearsal: without one both are always "unknown" (with where to look), which is not a failure.
 */
const ALWAYS_UNKNOWN = ['R20:unknown', 'R21:unknown'];

async function adminApi(sim: RunningSim, login = 'admin', password = ADMIN_PASSWORD): Promise<PbxApi> {
  const client = new PbxRestClient(sim.base);
  await client.login(login, password);
  return new PbxApi(client);
}

async function check(api: PbxApi, opts: PrerequisitesOptions = {}): Promise<PrerequisitesReport> {
  const report = await checkPrerequisites(api, { machine: false, ...opts });
  // Every report is what the schema (and the CLI's --json) promises.
  return PrerequisitesReportSchema.parse(report);
}

async function keyFileText(api: PbxApi): Promise<string> {
  return JSON.stringify(await api.keyFile(1));
}

describe('simulator: prerequisites check', function () {
  let sim: RunningSim;
  let api: PbxApi;

  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    api = await adminApi(sim);
  });
  after(() => sim.stop());

  async function scenario(name: string): Promise<void> {
    const r = await sim.admin.post('/sim/scenario', { name });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }

  describe('broken-rN: exactly RN fails for 1001, every other PBX requirement passes; R20 and R21 stay unknown', () => {
    for (const id of BROKEN_IDS) {
      it(`broken-${id.toLowerCase()}: ${id} fails, its fixes make it pass`, async () => {
        await scenario(`broken-${id.toLowerCase()}`);
        const report = await check(api, { users: ['1001'], pbxName: DEMO_PBX_NAME });
        assert.deepEqual(
          report.users?.map((u) => u.login),
          ['1001'],
        );
        const expected = [`${id}:fail${requirementById(id)!.scope === 'user' ? '@1001' : ''}`, ...ALWAYS_UNKNOWN];
        assert.deepEqual(notPassing(report), expected);
        const [bad] = failing(report) as [PrerequisiteResult];
        assert.equal(bad.guide, requirementById(id)!.guide, 'the guide wording comes from the shared rule');
        assert.equal(bad.explanation, requirementById(id)!.explanation.en);
        assert.ok(bad.message.length > 0 && bad.where, 'a specific message and where to look');
        // R1 (the PBX's version) cannot be fixed over REST; everything else can on the simulator.
        if (id === 'R1') {
          assert.deepEqual(bad.fixes, []);
          return;
        }
        assert.ok(bad.fixes.length > 0, `${id} offers a fix`);
        // R12's fixes are alternatives (which configuration to keep): apply the first.
        await applyFixes(api, id === 'R12' ? bad.fixes.slice(0, 1) : bad.fixes);
        const after = await check(api, { users: ['1001'] });
        assert.deepEqual(notPassing(after), ALWAYS_UNKNOWN, `after ${JSON.stringify(bad.fixes)}`);
        // And the Teams app now really signs 1001 in.
        const signIn = await rehearseSignIn(api, {
          pbxName: DEMO_PBX_NAME,
          keyFile: await keyFileText(api),
          ...DEMO_USERS.anna,
        });
        assert.equal(signIn.ok, true, JSON.stringify(signIn.results));
      });
    }
  });

  describe('demo', () => {
    beforeEach(() => scenario('demo'));

    it('checks 1001, 1002 and 1003 by default: 1001 passes, 1002 fails R10 only, 1003 fails R2 and R3 only', async () => {
      const report = await check(api);
      assert.deepEqual(
        report.users?.map((u) => u.login),
        ['1001', '1002', '1003'],
        'everyone with the Teams right or a Teams licence',
      );
      assert.equal(report.simulator, true);
      assert.equal(report.pbxVersion, '8.1.0.4');
      assert.deepEqual(notPassing(report), ['R2:fail@1003', 'R3:fail@1003', 'R10:fail@1002', ...ALWAYS_UNKNOWN]);
      const perUser = (login: string) => report.results.filter((r) => r.user === login);
      assert.deepEqual(
        perUser('1001').map((r) => `${r.id}:${r.status}`),
        ['R2:pass', 'R3:pass', 'R4:pass', 'R9:pass', 'R10:pass'],
      );
      assert.deepEqual(report.summary, { pass: report.results.length - 5, warn: 0, fail: 3, unknown: 2 });
      const r10 = failing(report).find((r) => r.id === 'R10')!;
      assert.equal(r10.guide, 'Recht "Integration mit Microsoft Teams"');
      assert.match(r10.message, /1002 lacks the right "Integration mit Microsoft Teams"/);
      assert.deepEqual(r10.fixes, [{ kind: 'grantRight', userId: r10.userId, login: '1002', right: 'msteams_perm' }]);
      // Both "UCC-Client Premium" licences are taken (1001, 1002): 1003's fix installs one, then assigns it.
      const r2 = failing(report).find((r) => r.id === 'R2')!;
      assert.deepEqual(
        r2.fixes.map((f) => f.kind),
        ['installLicence', 'assignLicence'],
      );
    });

    it('--users takes logins or ids; an unknown one is a usage error', async () => {
      const bernd = (await api.users()).find((u) => u.login === '1002')!;
      const report = await check(api, { users: ['1001', String(bernd.id)] });
      assert.deepEqual(
        report.users?.map((u) => u.login),
        ['1001', '1002'],
      );
      await assert.rejects(
        check(api, { users: ['9999'] }),
        (err: unknown) => err instanceof PrerequisitesUsageError && /"9999"/.test(err.message),
      );
    });

    it("applying every fix of the demo's failures makes all three users pass and sign in", async () => {
      const before = await check(api);
      for (const r of failing(before)) await applyFixes(api, r.fixes);
      const after = await check(api);
      assert.deepEqual(notPassing(after), ALWAYS_UNKNOWN);
      for (const user of [DEMO_USERS.anna, DEMO_USERS.bernd, DEMO_USERS.carla]) {
        const signIn = await rehearseSignIn(api, { pbxName: DEMO_PBX_NAME, keyFile: await keyFileText(api), ...user });
        assert.equal(signIn.ok, true, `${user.login}: ${JSON.stringify(signIn.results)}`);
      }
    });

    it('a fix the PBX refuses throws its reason and changes nothing', async () => {
      const carla = (await api.users()).find((u) => u.login === '1003')!;
      await assert.rejects(
        applyFix(api, { kind: 'assignLicence', userId: carla.id, licence: 'UCC-Client Premium' }),
        /install more|assigned/,
      );
      assert.deepEqual(await api.userLicences(carla.id), []);
      await assert.rejects(
        applyFix(api, { kind: 'setMode', configurationId: 1, mode: 'NOPE' } as never),
        /Invalid|mode/,
      );
    });
  });

  describe('fresh PBX: the fixes alone set up everything PBX-wide', () => {
    before(() => scenario('fresh'));

    it('installLicence, importModule, createConfiguration, setPbxName, generateKey, restartConnector, activateConfiguration in turn', async () => {
      const first = await check(api, { pbxName: DEMO_PBX_NAME });
      assert.deepEqual(first.users, [], 'nobody is set up for Teams');
      // Per-user rules: a warning that nobody is set up, once per rule.
      assert.deepEqual(
        first.results.filter((r) => r.status === 'warn').map((r) => r.id),
        ['R2', 'R3', 'R4', 'R9', 'R10'],
      );
      const kinds = new Set<string>();
      let report = first;
      for (let round = 0; round < 6 && failing(report).length; round++) {
        for (const r of failing(report)) {
          for (const f of r.fixes) kinds.add(f.kind);
          // A later fix of the same round may already have made this one moot (R11 then R12 …).
          await applyFixes(api, r.fixes).catch(() => undefined);
        }
        report = await check(api, { pbxName: DEMO_PBX_NAME });
      }
      assert.deepEqual(failing(report), [], JSON.stringify(failing(report)));
      for (const k of [
        'installLicence',
        'importModule',
        'createConfiguration',
        'setPbxName',
        'generateKey',
        'restartConnector',
      ])
        assert.ok(kinds.has(k), `${k} was used: ${[...kinds]}`);

      // activateConfiguration: with the only configuration deactivated, R12 fails and its fix activates it again.
      const configId = (await api.configurations())[0]!.id;
      await api.updateConfiguration(configId, { active: false });
      const inactive = await check(api);
      const r12 = failing(inactive).find((r) => r.id === 'R12')!;
      assert.deepEqual(r12.fixes, [{ kind: 'activateConfiguration', configurationId: configId }]);
      await applyFixes(api, r12.fixes);
      for (const r of failing(await check(api))) await applyFixes(api, r.fixes);
      assert.deepEqual(failing(await check(api)), []);
    });
  });

  describe('review fixes', () => {
    beforeEach(() => scenario('demo'));

    it('--min-version: a bad one is a usage error; R1 names the minimum used', async () => {
      await assert.rejects(
        check(api, { minVersion: 'banana' }),
        (err: unknown) => err instanceof PrerequisitesUsageError && /"banana"/.test(err.message),
      );
      const report = await check(api, { minVersion: '9.0.0.0' });
      const r1 = report.results.find((r) => r.id === 'R1')!;
      assert.equal(r1.status, 'fail');
      assert.equal(r1.title, 'PBX version 9.0.0.0 or higher');
      assert.equal(r1.i18n?.title.de, 'STARFACE-Version 9.0.0.0 oder höher');
    });

    it('fixes re-check their precondition: applying twice changes nothing more', async () => {
      const before = await api.configurations();
      await applyFix(api, { kind: 'createConfiguration', name: 'Teams' });
      assert.equal((await api.configurations()).length, before.length, 'a configuration exists: none created');
      await applyFix(api, { kind: 'installLicence', licence: 'MS Teams Integration', count: 1 });
      const licencesBefore = await api.licences();
      await applyFix(api, { kind: 'installLicence', licence: 'MS Teams Integration', count: 1 });
      assert.deepEqual(await api.licences(), licencesBefore, 'a licence is free: none installed');
      const bernd = (await api.users()).find((u) => u.login === '1002')!;
      await applyFix(api, { kind: 'grantRight', userId: bernd.id, login: '1002', right: 'msteams_perm' });
      await applyFix(api, { kind: 'grantRight', userId: bernd.id, login: '1002', right: 'msteams_perm' });
      assert.equal(notPassing(await check(api, { users: ['1002'] })).length, ALWAYS_UNKNOWN.length);
    });

    it('a user fix whose id now belongs to another login is refused and changes nothing', async () => {
      const carla = (await api.users()).find((u) => u.login === '1003')!;
      await assert.rejects(
        applyFix(api, { kind: 'assignLicence', userId: carla.id, login: '1002', licence: 'MS Teams Integration' }),
        (err: unknown) => err instanceof StaleFixError && /now belongs to 1003/.test(err.message),
      );
      assert.deepEqual(await api.userLicences(carla.id), []);
    });

    it('R12 with two active configurations: one "keep this one" fix per configuration', async () => {
      await scenario('broken-r12');
      const report = await check(api, { users: ['1001'], pbxName: DEMO_PBX_NAME });
      const r12 = failing(report).find((r) => r.id === 'R12')!;
      const configs = (await api.configurations()).filter((c) => c.active);
      assert.deepEqual(
        r12.fixes,
        configs.map((c) => ({ kind: 'keepConfiguration', configurationId: c.id, name: c.name })),
      );
      await applyFix(api, r12.fixes[1]!);
      assert.deepEqual(
        (await api.configurations()).filter((c) => c.active).map((c) => c.id),
        [configs[1]!.id],
      );
    });

    it('one free licence is not promised to two users: the second installs first', async () => {
      await scenario('broken-r2');
      const anna = (await api.users()).find((u) => u.login === '1001')!;
      const carla = (await api.users()).find((u) => u.login === '1003')!;
      await api.setUserLicences(carla.id, []);
      const free = (await api.licences()).find((l) => l.type === 'UCC-Client Premium')!;
      assert.equal(free.count - free.used, 1, 'the scenario leaves one UCC licence free');
      const report = await check(api, { users: ['1001', '1003'] });
      const r2 = (login: string) =>
        report.results.find((r) => r.id === 'R2' && r.user === login)!.fixes.map((f) => f.kind);
      assert.deepEqual(r2('1001'), ['assignLicence']);
      assert.deepEqual(r2('1003'), ['installLicence', 'assignLicence']);
      assert.ok(anna);
    });

    it('R14 without a known FQDN (the PBX is addressed by IP): the fix leaves the name to be asked for', async () => {
      await scenario('broken-r14');
      const r14 = failing(await check(api, { users: ['1001'] })).find((r) => r.id === 'R14')!;
      assert.deepEqual(r14.fixes, [{ kind: 'setPbxName', configurationId: 1 }]);
      await assert.rejects(applyFix(api, r14.fixes[0]!), /needs the PBX's FQDN/);
      await applyFix(api, { ...r14.fixes[0]!, pbxName: DEMO_PBX_NAME } as never);
      assert.equal(failing(await check(api, { users: ['1001'] })).length, 0);
    });

    it('R19 fails when the module log no longer shows the interface loading; re-importing the module fixes it', async () => {
      // The log keeps its last 500 entries: enough saved changes push "interface-loaded" out.
      for (let i = 0; i < 260; i++) {
        await api.updateConfiguration(1, { autoprovisioning: false });
        await api.updateConfiguration(1, { autoprovisioning: true });
      }
      await applyFix(api, { kind: 'restartConnector', configurationId: 1 });
      const report = await check(api, { users: ['1001'] });
      assert.deepEqual(notPassing(report), ['R19:fail', ...ALWAYS_UNKNOWN]);
      const r19 = failing(report)[0]!;
      assert.deepEqual(r19.fixes, [{ kind: 'importModule', module: 'Teams Integration' }]);
      await applyFixes(api, r19.fixes);
      assert.deepEqual(notPassing(await check(api, { users: ['1001'] })), ALWAYS_UNKNOWN);
    });

    it('the rehearsal does not repeat a failure the report already has; R21 lists what was refused', async () => {
      const report = await check(api, {
        users: ['1002'],
        signIn: { pbxName: DEMO_PBX_NAME, keyFile: await keyFileText(api), ...DEMO_USERS.bernd },
      });
      assert.deepEqual(notPassing(report), ['R10:fail@1002', 'R20:unknown', 'R21:warn@1002']);
      const r21 = report.results.find((r) => r.id === 'R21')!;
      assert.match(r21.message, /refused for R10 \(/);
      assert.equal(r21.userId, report.users![0]!.id);
    });
  });

  describe('a PBX without the simulator-only resources nor /rest/server/version (a proxy in front answers 404)', () => {
    let proxy: Server;
    let proxied: PbxApi;

    before(async () => {
      await scenario('demo');
      const target = new URL(sim.base);
      proxy = createServer((req, res) => {
        if (/^\/rest\/(server\/version|sim\/)/.test(req.url ?? '')) {
          res
            .writeHead(404, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ code: 'NOT_FOUND', message: 'Not Found' }));
          return;
        }
        // To the simulator over HTTPS under --tls (verified against the run's CA); the proxy itself is plain HTTP.
        const up = (target.protocol === 'https:' ? httpsRequest : request)(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on('error', () => res.destroy());
        req.pipe(up);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const client = new PbxRestClient(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}/rest`);
      await client.login('admin', ADMIN_PASSWORD);
      proxied = new PbxApi(client);
    });
    after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

    it('R1 is unknown with where to look; --sign-in makes R21 unknown instead of aborting', async () => {
      const report = await check(proxied, {
        users: ['1001'],
        signIn: { pbxName: DEMO_PBX_NAME, key: 'A'.repeat(43), ...DEMO_USERS.anna },
      });
      const r1 = report.results.find((r) => r.id === 'R1')!;
      assert.equal(r1.status, 'unknown');
      assert.equal(r1.where, 'Admin › Server › Updates');
      const r21 = report.results.find((r) => r.id === 'R21')!;
      assert.equal(r21.status, 'unknown');
      assert.match(r21.message, /needs the simulator; on a real PBX sign in with the Teams app/);
    });
  });

  describe('sign-in rehearsal (POST /rest/sim/teams/login)', () => {
    before(() => scenario('demo'));

    it('1001 with the key file: R21 passes', async () => {
      const out = await rehearseSignIn(api, {
        pbxName: DEMO_PBX_NAME,
        keyFile: await keyFileText(api),
        ...DEMO_USERS.anna,
      });
      assert.equal(out.ok, true);
      assert.deepEqual(
        out.results.map((r) => `${r.id}:${r.status}`),
        ['R21:pass'],
      );
    });

    it('1002: accepted name, key and password, refused for R10 — each unmet requirement is a result', async () => {
      const out = await rehearseSignIn(api, {
        pbxName: DEMO_PBX_NAME,
        keyFile: await keyFileText(api),
        ...DEMO_USERS.bernd,
      });
      assert.equal(out.ok, false);
      assert.deepEqual(
        out.results.map((r) => `${r.id}:${r.status}@${r.user}`),
        ['R21:warn@1002', 'R10:fail@1002'],
      );
      assert.equal(out.results[1]!.guide, 'Recht "Integration mit Microsoft Teams"');
      assert.match(out.results[1]!.message, /^Teams sign-in: /);
    });

    it('a wrong PBX name, a wrong key or a wrong password fail R21', async () => {
      const wrongName = await rehearseSignIn(api, {
        pbxName: 'other.example.com',
        keyFile: await keyFileText(api),
        ...DEMO_USERS.anna,
      });
      assert.deepEqual(
        wrongName.results.map((r) => `${r.id}:${r.status}`),
        ['R21:fail'],
      );
      assert.match(wrongName.results[0]!.message, /PBX name/);
      const wrongKey = await rehearseSignIn(api, { pbxName: DEMO_PBX_NAME, key: 'A'.repeat(43), ...DEMO_USERS.anna });
      assert.match(wrongKey.results.find((r) => r.id === 'R21')!.message, /key/);
      const wrongPassword = await rehearseSignIn(api, {
        pbxName: DEMO_PBX_NAME,
        keyFile: await keyFileText(api),
        login: '1001',
        password: 'wrong-password',
      });
      assert.deepEqual(
        wrongPassword.results.map((r) => `${r.id}:${r.status}`),
        ['R21:fail'],
      );
      assert.match(wrongPassword.results[0]!.message, /login or password/);
    });

    it('checkPrerequisites with signIn decides R21 from the rehearsal', async () => {
      const report = await check(api, {
        users: ['1001'],
        signIn: { pbxName: DEMO_PBX_NAME, keyFile: await keyFileText(api), ...DEMO_USERS.anna },
      });
      assert.deepEqual(notPassing(report), ['R20:unknown']);
    });
  });

  describe('what a user without administration rights can read (like a real PBX without the simulator resources)', () => {
    before(() => scenario('demo'));

    it('checks the user themselves; the rest is unknown with where to look in the admin UI', async () => {
      const anna = await adminApi(sim, DEMO_USERS.anna.login, DEMO_USERS.anna.password);
      const report = await check(anna);
      assert.equal(report.simulator, false);
      assert.deepEqual(
        report.users?.map((u) => u.login),
        ['1001'],
      );
      const status = (id: string) => report.results.find((r) => r.id === id)!;
      assert.equal(status('R1').status, 'pass');
      assert.equal(status('R9').status, 'pass', 'the own rights are readable');
      for (const id of ['R2', 'R3', 'R4', 'R8', 'R11', 'R12', 'R13', 'R14', 'R15', 'R16', 'R17', 'R18', 'R19']) {
        assert.equal(status(id).status, 'unknown', id);
        assert.match(status(id).message, /^Unknown — check in the admin UI: /, id);
        assert.ok(status(id).where, id);
      }
      assert.equal(failing(report).length, 0);
      // One finding says why: who is signed in and which right is missing.
      assert.deepEqual(report.incomplete && { reason: report.incomplete.reason, login: report.incomplete.login }, {
        reason: 'no-administration-right',
        login: '1001',
      });
      assert.equal(
        report.incomplete?.message,
        'Signed in as 1001 without the right "Administration": the checks that need it are unknown. Sign in as an administrator for a complete check.',
      );
      assert.match(report.incomplete?.i18n?.message.de ?? '', /^Angemeldet als 1001 ohne das Recht „Administration“/);
      PrerequisitesReportSchema.parse(report);
    });

    it("an administrator's report is not marked incomplete", async () => {
      const report = await check(await adminApi(sim));
      assert.equal(report.incomplete, undefined);
    });
  });

  // How long it takes is `npm run bench -- preflight` (median of 15, target < 2 s); here, what it finds.
  describe('many users', () => {
    before(() => scenario('demo'));

    it('100 users with the Teams right: every one of them is checked (R10 per user)', async function () {
      const ids: number[] = [];
      for (let i = 0; i < 100; i++) {
        const r = await sim.admin.post('/users', {
          login: `30${String(i).padStart(3, '0')}`,
          firstName: 'Load',
          familyName: `User ${i}`,
          email: '',
          language: 'de',
          password: `load-user-${i}`,
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        ids.push(r.body.id);
      }
      assert.equal((await sim.admin.put('/permissions/13/users?granted=true', ids)).status, 200); // the fact sheet's code
      const report: PrerequisitesReport = await check(api);
      assert.equal(report.users?.length, 103);
      const r10 = report.results.filter((r) => r.id === 'R10');
      assert.equal(r10.length, 103);
      const checked = new Set(r10.map((r) => r.user));
      for (let i = 0; i < 100; i++)
        assert.ok(checked.has(`30${String(i).padStart(3, '0')}`), `R10 for user 30${String(i).padStart(3, '0')}`);
    });
  });
});
