import assert from 'node:assert/strict';
import { RedirectionSchema } from '../../shared/schemas/redirects.js';
import { CallServiceSchema } from '../../shared/schemas/callServices.js';
import { answerChecker, endpointId, type AnswerCheck } from '../support/openapiAnswers.js';
import { DEMO_USERS, startSim, type Reply, type RestClient, type RunningSim } from '../support/rest.js';
import { eventsOf as simEventsOf } from '../support/simEvents.js';
import { assertError } from '../support/apiErrors.js';

interface Redirection {
  id: string;
  enabled: boolean;
  groupNumber: boolean;
  phoneNumber: string;
  redirectTrigger: { redirectTriggerType: string };
  redirectDestination: { redirectDestinationType: string; phoneNumber?: string; mailboxId?: string };
  lastMailboxDestination?: { mailboxId: string };
  lastPhoneNumberDestination?: { phoneNumber: string };
}

const LIST = '/redirects';
const ONE = '/redirects/{redirectId}';

describe('REST redirects (6.7)', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let bernd: RestClient;
  let carla: RestClient;
  let check: AnswerCheck;

  async function call(client: RestClient, method: string, path: string, template: string, body?: unknown) {
    const reply = await client.call(method, path, body);
    check(endpointId(method, template), reply);
    if (reply.status === 200 && template === LIST) for (const r of reply.body) RedirectionSchema.parse(r);
    if (reply.status === 200 && template === ONE) RedirectionSchema.parse(reply.body);
    return reply;
  }

  const eventsOf = (change: () => Promise<unknown>) => simEventsOf(sim.admin, change);

  const own = (list: Redirection[]) => list.filter((r) => !r.groupNumber);
  const find = (list: Redirection[], number: string, trigger: string) =>
    list.find((r) => r.phoneNumber === number && r.redirectTrigger.redirectTriggerType === trigger)!;

  before(async () => {
    sim = await startSim({ scenario: 'demo', rateLimit: { perLogin: 1000, perAddress: 1000 } });
    anna = await sim.as(DEMO_USERS.anna);
    bernd = await sim.as(DEMO_USERS.bernd);
    carla = await sim.as(DEMO_USERS.carla);
    check = await answerChecker(sim.admin);
  });
  after(async () => {
    await sim?.stop();
  });

  describe('GET /redirects', () => {
    it("lists one redirection per trigger for each of the caller's numbers and of their groups' numbers", async () => {
      const reply = await call(bernd, 'GET', '/redirects', LIST);
      assert.equal(reply.status, 200);
      const list = reply.body as Redirection[];
      // Bernd: 1002 and +4930555012, Support: 1010 and +4930555010; three triggers each.
      assert.equal(list.length, 12);
      assert.deepEqual([...new Set(own(list).map((r) => r.phoneNumber))].sort(), ['+4930555012', '1002']);
      assert.deepEqual([...new Set(list.filter((r) => r.groupNumber).map((r) => r.phoneNumber))].sort(), [
        '+4930555010',
        '1010',
      ]);
      assert.equal(new Set(list.map((r) => r.id)).size, 12, 'ids are unique');
      // The demo's disabled BUSY redirect of 1002 to Bernd's mailbox.
      const busy = find(list, '1002', 'BUSY');
      assert.equal(busy.enabled, false);
      assert.equal(busy.redirectDestination.redirectDestinationType, 'MAILBOX');
      assert.match(busy.redirectDestination.mailboxId!, /^\d+$/);
      // Unconfigured ones are disabled defaults.
      const always = find(list, '1002', 'ALWAYS');
      assert.equal(always.enabled, false);
      assert.deepEqual(always.redirectDestination, { redirectDestinationType: 'PHONENUMBER', phoneNumber: '' });
    });

    it('a user outside any group sees only their own; an admin without numbers an empty list', async () => {
      const list = (await call(carla, 'GET', '/redirects', LIST)).body as Redirection[];
      assert.equal(list.length, 6);
      assert.ok(list.every((r) => !r.groupNumber));
      assert.deepEqual((await call(sim.admin, 'GET', '/redirects', LIST)).body, []);
    });

    it('actOnBehalfOf: an admin names anyone by login; a user only themselves (403); unknown is 404', async () => {
      const forCarla = (await call(sim.admin, 'GET', '/redirects?actOnBehalfOf=1003', LIST)).body;
      assert.deepEqual(forCarla, (await carla.get('/redirects')).body);
      assert.equal((await call(carla, 'GET', '/redirects?actOnBehalfOf=1003', LIST)).status, 200);
      assertError(await call(carla, 'GET', '/redirects?actOnBehalfOf=1001', LIST), 403, 'FORBIDDEN');
      assertError(await call(sim.admin, 'GET', '/redirects?actOnBehalfOf=nobody', LIST), 404, 'NOT_FOUND');
    });
  });

  describe('GET /redirects/{redirectId}', () => {
    it('answers what the list has; the id is a string', async () => {
      const list = (await anna.get('/redirects')).body as Redirection[];
      for (const r of [list[0]!, list.at(-1)!]) {
        const reply = await call(anna, 'GET', `/redirects/${encodeURIComponent(r.id)}`, ONE);
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.body, r);
      }
    });

    it('the owner, a group member and an admin may read; another user gets 403', async () => {
      const bernds = (await bernd.get('/redirects')).body as Redirection[];
      const busy = find(bernds, '1002', 'BUSY');
      assert.equal((await call(sim.admin, 'GET', `/redirects/${busy.id}`, ONE)).status, 200);
      assertError(await call(anna, 'GET', `/redirects/${busy.id}`, ONE), 403, 'FORBIDDEN');
      assertError(await call(carla, 'GET', `/redirects/${busy.id}`, ONE), 403, 'FORBIDDEN');
      const group = bernds.find((r) => r.groupNumber)!;
      assert.equal((await call(anna, 'GET', `/redirects/${group.id}`, ONE)).status, 200, 'Anna is in Support');
      assertError(await call(carla, 'GET', `/redirects/${group.id}`, ONE), 403, 'FORBIDDEN');
    });

    it('an unknown id is 404', async () => {
      for (const id of ['nope', '9999-ALWAYS', '1-SOMETIMES', '424242'])
        assertError(await call(sim.admin, 'GET', `/redirects/${id}`, ONE), 404, 'NOT_FOUND');
    });
  });

  describe('PUT /redirects/{redirectId}', () => {
    it('the owner enables a redirection to a number: 204, the change shows, an event follows', async () => {
      const r = find((await anna.get('/redirects')).body, '1001', 'ALWAYS') as Redirection;
      let reply!: Reply;
      const events = await eventsOf(async () => {
        reply = await call(anna, 'PUT', `/redirects/${r.id}`, ONE, {
          ...r,
          enabled: true,
          redirectDestination: { redirectDestinationType: 'PHONENUMBER', phoneNumber: '1003' },
        });
      });
      assert.equal(reply.status, 204, JSON.stringify(reply.body));
      assert.equal(reply.body, '');
      const after = (await anna.get(`/redirects/${r.id}`)).body as Redirection;
      assert.equal(after.enabled, true);
      assert.equal(after.id, r.id, 'the id stays after the first change');
      assert.deepEqual(after.redirectDestination, { redirectDestinationType: 'PHONENUMBER', phoneNumber: '1003' });
      assert.deepEqual(after.lastPhoneNumberDestination, {
        redirectDestinationType: 'PHONENUMBER',
        phoneNumber: '1003',
      });
      const ev = events.find((e) => e.service === 'sim.events.redirects');
      assert.ok(ev, JSON.stringify(events));
      assert.equal(ev.event, 'updated');
      assert.equal(ev.data.redirectId, r.id);
      assert.equal(ev.data.enabled, true);
    });

    it('what GET gave is accepted back unchanged; disabling keeps the destination', async () => {
      const r = find((await anna.get('/redirects')).body, '1001', 'ALWAYS') as Redirection;
      assert.equal((await call(anna, 'PUT', `/redirects/${r.id}`, ONE, r)).status, 204);
      assert.deepEqual((await anna.get(`/redirects/${r.id}`)).body, r);
      assert.equal(
        (await call(anna, 'PUT', `/redirects/${r.id}`, ONE, { ...r, enabled: false, id: null })).status,
        204,
      );
      const after = (await anna.get(`/redirects/${r.id}`)).body as Redirection;
      assert.equal(after.enabled, false);
      assert.equal(after.redirectDestination.phoneNumber, '1003');
    });

    it('to a mailbox: the box must exist (400 naming redirectDestination.mailboxId)', async () => {
      const bernds = (await bernd.get('/redirects')).body as Redirection[];
      const busy = find(bernds, '1002', 'BUSY');
      const mailboxId = busy.redirectDestination.mailboxId!;
      const timeout = find(bernds, '1002', 'TIMEOUT');
      const ok = await call(bernd, 'PUT', `/redirects/${timeout.id}`, ONE, {
        ...timeout,
        enabled: true,
        redirectDestination: { redirectDestinationType: 'MAILBOX', mailboxId },
      });
      assert.equal(ok.status, 204, JSON.stringify(ok.body));
      const after = (await bernd.get(`/redirects/${timeout.id}`)).body as Redirection;
      assert.deepEqual(after.redirectDestination, { redirectDestinationType: 'MAILBOX', mailboxId });
      assert.equal(after.lastMailboxDestination?.mailboxId, mailboxId);
      const bad = await call(bernd, 'PUT', `/redirects/${timeout.id}`, ONE, {
        ...timeout,
        redirectDestination: { redirectDestinationType: 'MAILBOX', mailboxId: '9999' },
      });
      assertError(bad, 400, 'VALIDATION_FAILED');
      assert.equal(bad.body.details[0].path, 'redirectDestination.mailboxId');
    });

    it('bad input is 400 naming the field', async () => {
      const r = find((await carla.get('/redirects')).body, '1003', 'BUSY') as Redirection;
      const cases: [unknown, string][] = [
        [{ ...r, enabled: 'yes' }, 'enabled'],
        [{ ...r, enabled: undefined }, 'enabled'],
        [{ ...r, redirectTrigger: { redirectTriggerType: 'NEVER' } }, 'redirectTrigger.redirectTriggerType'],
        [{ ...r, redirectTrigger: { redirectTriggerType: 'ALWAYS' } }, 'redirectTrigger.redirectTriggerType'],
        [
          { ...r, redirectDestination: { redirectDestinationType: 'FAX' } },
          'redirectDestination.redirectDestinationType',
        ],
        [
          { ...r, enabled: true, redirectDestination: { redirectDestinationType: 'PHONENUMBER', phoneNumber: '' } },
          'redirectDestination.phoneNumber',
        ],
        [
          { ...r, redirectDestination: { redirectDestinationType: 'PHONENUMBER', phoneNumber: 'call me' } },
          'redirectDestination.phoneNumber',
        ],
        [{ ...r, id: 'another' }, 'id'],
      ];
      for (const [body, field] of cases) {
        const reply = await call(carla, 'PUT', `/redirects/${r.id}`, ONE, body);
        assertError(reply, 400);
        const paths = Array.isArray(reply.body.details)
          ? (reply.body.details as { path: string }[]).map((d) => d.path)
          : [reply.body.details?.field];
        assert.ok(paths.includes(field), `${JSON.stringify(body)} names ${field}: ${JSON.stringify(reply.body)}`);
      }
      const loop = await carla.put(`/redirects/${r.id}`, {
        ...r,
        enabled: true,
        redirectDestination: { redirectDestinationType: 'PHONENUMBER', phoneNumber: '1003' },
      });
      assertError(loop, 400, 'REDIRECT_LOOP');
      assert.deepEqual((await carla.get(`/redirects/${r.id}`)).body, r, 'nothing changed');
    });

    it('rights: another user\'s is 403; a group\'s needs "Gruppe umleiten"; an admin may change all', async () => {
      const annas = (await anna.get('/redirects')).body as Redirection[];
      const mine = find(annas, '1001', 'TIMEOUT');
      const body = {
        ...mine,
        enabled: true,
        redirectDestination: { redirectDestinationType: 'PHONENUMBER', phoneNumber: '0301234' },
      };
      assertError(await call(carla, 'PUT', `/redirects/${mine.id}`, ONE, body), 403, 'FORBIDDEN');
      assertError(await call(bernd, 'PUT', `/redirects/${mine.id}`, ONE, body), 403, 'FORBIDDEN');
      const group = annas.find((r) => r.groupNumber)!;
      const groupBody = { ...group, enabled: true, redirectDestination: body.redirectDestination };
      const refused = await call(anna, 'PUT', `/redirects/${group.id}`, ONE, groupBody);
      assertError(refused, 403, 'FORBIDDEN');
      assert.match(refused.body.message, /group_redirect_perm/);
      assert.equal((await call(sim.admin, 'PUT', `/redirects/${group.id}`, ONE, groupBody)).status, 204);
      assert.equal((await call(sim.admin, 'PUT', `/redirects/${mine.id}?actOnBehalfOf=1001`, ONE, body)).status, 204);
      assert.equal(((await anna.get(`/redirects/${mine.id}`)).body as Redirection).enabled, true);
    });

    it('without the right "Umleitung" a user may read but not change their own', async () => {
      const carlaUser = (await sim.admin.get('/users?searchTerm=1003')).body[0];
      const perms = (await sim.admin.get(`/permissions/users/${carlaUser.id}`)).body as {
        id: number;
        permission: string;
      }[];
      const without = perms.filter((p) => p.permission !== 'redirect_perm').map((p) => p.id);
      assert.ok([200, 204].includes((await sim.admin.put(`/permissions/users/${carlaUser.id}`, without)).status));
      const r = find((await carla.get('/redirects')).body, '1003', 'ALWAYS') as Redirection;
      const reply = await call(carla, 'PUT', `/redirects/${r.id}`, ONE, r);
      assertError(reply, 403, 'FORBIDDEN');
      assert.match(reply.body.message, /redirect_perm/);
    });

    it('an unknown id is 404', async () => {
      const r = find((await anna.get('/redirects')).body, '1001', 'BUSY') as Redirection;
      assertError(await call(sim.admin, 'PUT', '/redirects/9999-BUSY', ONE, { ...r, id: undefined }), 404, 'NOT_FOUND');
    });
  });
});

describe('REST call services (6.7)', () => {
  let sim: RunningSim;
  let check: AnswerCheck;
  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    check = await answerChecker(sim.admin);
  });
  after(async () => {
    await sim?.stop();
  });

  it('GET /callservices lists telephony (service 1) and the demo conference service, for any user', async () => {
    const anna = await sim.as(DEMO_USERS.anna);
    for (const client of [sim.admin, anna]) {
      const reply = await client.get('/callservices');
      check(endpointId('GET', '/callservices'), reply);
      assert.equal(reply.status, 200);
      for (const s of reply.body) CallServiceSchema.parse(s);
      assert.deepEqual(reply.body, [
        { serviceId: 1, serviceName: 'telephony', label: 'Telefonie' },
        { serviceId: 2, serviceName: 'conference', label: 'Konferenz' },
      ]);
    }
  });

  it('type filters in any case; an unknown type is an empty list', async () => {
    const conf = await sim.admin.get('/callservices?type=conference');
    check(endpointId('GET', '/callservices'), conf);
    assert.deepEqual(
      conf.body.map((s: { serviceName: string }) => s.serviceName),
      ['conference'],
    );
    assert.deepEqual((await sim.admin.get('/callservices?type=FAX')).body, []);
  });

  it('GET /callservices/{serviceId}: one service; unknown 404; not a number 400', async () => {
    const one = await sim.admin.get('/callservices/2');
    check(endpointId('GET', '/callservices/{serviceId}'), one);
    assert.deepEqual(one.body, { serviceId: 2, serviceName: 'conference', label: 'Konferenz' });
    const missing = await sim.admin.get('/callservices/99');
    check(endpointId('GET', '/callservices/{serviceId}'), missing);
    assertError(missing, 404, 'NOT_FOUND');
    assertError(await sim.admin.get('/callservices/x'), 400, 'VALIDATION_FAILED');
  });

  it('needs sign-in', async () => {
    assertError(await sim.client().get('/callservices'), 401, 'UNAUTHORIZED');
  });
});
