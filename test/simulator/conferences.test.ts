import assert from 'node:assert/strict';
import type { EndpointId } from '../../shared/api.js';
import { answerChecker } from '../support/openapiAnswers.js';
import { DEMO_USERS, startSim, type Reply, type RestClient, type RunningSim } from '../support/rest.js';
import { eventsOf } from '../support/simEvents.js';

describe('REST 6.7: conference configuration and managed conferences', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let bernd: RestClient;
  let annaId: number;
  let berndId: number;
  let expect: (id: EndpointId, reply: Promise<Reply>, status: number) => Promise<Reply>;

  const conferenceEvents = async (change: () => Promise<unknown>) =>
    (await eventsOf(sim.admin, change)).filter((e) => e.service === 'sim.events.conferences');

  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    anna = await sim.as(DEMO_USERS.anna);
    bernd = await sim.as(DEMO_USERS.bernd);
    annaId = (await anna.get('/users/me')).body.id;
    berndId = (await bernd.get('/users/me')).body.id;
    const check = await answerChecker(sim.admin);
    expect = async (id, reply, status) => {
      const r = await reply;
      assert.equal(r.status, status, `${id}: ${r.status} ${JSON.stringify(r.body)}`);
      check(id, r);
      return r;
    };
  });
  afterEach(async () => {
    await sim.stop();
  });

  const plan = (name: string, participants: unknown[] = []) => ({
    name,
    eMailBody: 'Agenda',
    occurrence: 'ONCE',
    startTime: 1_900_000_000_000,
    participants,
  });
  const base = (userId: number) => `/users/${userId}/managedConferences`;
  /** Plans a conference as `client` for `userId`; answers its id from the Location header. */
  const create = async (client: RestClient, userId: number, body: unknown): Promise<number> => {
    const r = await expect('postManagedConference', client.post(base(userId), body), 201);
    const location = r.headers.get('location') ?? '';
    assert.match(location, new RegExp(`^/rest/users/${userId}/managedConferences/\\d+$`));
    return Number(location.split('/').at(-1));
  };

  it('GET/PUT /conferenceConfiguration: any user reads, an administrator changes; GET goes back unchanged', async () => {
    const config = (await expect('getConferenceConfiguration', anna.get('/conferenceConfiguration'), 200)).body;
    assert.equal(config.language, 'de');
    assert.equal(typeof config.internalNumberId, 'number', 'the demo has a dial-in number');
    assert.deepEqual(
      config.variables.map((v: { placeholder: string }) => v.placeholder),
      ['$CONFERENCE_NAME', '$CONFERENCE_DATE', '$CONFERENCE_TIME', '$CONFERENCE_NUMBER'],
    );
    const put = (body: unknown, q = `?userId=${annaId}`) => sim.admin.put(`/conferenceConfiguration${q}`, body);
    const events = await conferenceEvents(() => expect('putConferenceConfiguration', put(config), 200));
    assert.deepEqual(
      events.map((e) => e.event),
      ['configuration-changed'],
    );
    assert.deepEqual((await sim.admin.get('/conferenceConfiguration')).body, config);

    await expect(
      'putConferenceConfiguration',
      put({ ...config, language: 'en', serverAddress: 'conf.example.com', internalNumberId: null }),
      200,
    );
    const changed = (await anna.get('/conferenceConfiguration')).body;
    assert.equal(changed.language, 'en');
    assert.equal(changed.serverAddress, 'conf.example.com');
    assert.equal(changed.internalNumberId, undefined);

    await expect('putConferenceConfiguration', anna.put(`/conferenceConfiguration?userId=${annaId}`, config), 403);
    await expect('putConferenceConfiguration', put(config, ''), 400);
    await expect('putConferenceConfiguration', put(config, '?userId=9999'), 404);
    for (const [field, value] of [
      ['language', 'xx'],
      ['eMailSubject', undefined],
      ['internalNumberId', 99999],
      ['externalNumberId', config.internalNumberId],
    ] as const) {
      const r = await expect('putConferenceConfiguration', put({ ...config, [field]: value }), 400);
      assert.match(JSON.stringify(r.body), new RegExp(field), field);
    }
  });

  it('GET /conferenceConfiguration/defaults: German or English texts by locale', async () => {
    const de = (await expect('getDefaultTexts', anna.get('/conferenceConfiguration/defaults?locale=de_DE'), 200)).body;
    assert.match(de.eMailSubject, /Einladung/);
    const en = (await expect('getDefaultTexts', anna.get('/conferenceConfiguration/defaults?locale=en'), 200)).body;
    assert.match(en.eMailSubject, /Invitation/);
    assert.deepEqual((await anna.get('/conferenceConfiguration/defaults?locale=fr')).body, en);
    assert.match(en.eMailBody, /\$CONFERENCE_NUMBER/);
  });

  it('managed conferences: plan, list, read, change (GET goes back unchanged), delete — with events', async () => {
    let id = 0;
    const created = await conferenceEvents(async () => {
      id = await create(
        anna,
        annaId,
        plan('Weekly', [
          { userId: berndId, displayName: 'Bernd', phoneNumber: '1002', isModerator: false, callOnStart: true },
          {
            userId: 0,
            displayName: 'Guest',
            phoneNumber: '+4930999',
            eMailAddress: null,
            isModerator: false,
            callOnStart: false,
          },
        ]),
      );
    });
    assert.deepEqual(
      created.map((e) => [e.event, e.data.conferenceId]),
      [['created', id]],
    );
    const list = (await expect('getManagedConferenceList', anna.get(base(annaId)), 200)).body;
    assert.deepEqual(list, [
      {
        conferenceId: id,
        name: 'Weekly',
        startTime: 1_900_000_000_000,
        isActive: false,
        isReadonly: false,
        isTerminated: false,
      },
    ]);
    const conf = (await expect('getManagedConference', anna.get(`${base(annaId)}/${id}`), 200)).body;
    assert.equal(conf.participants.length, 2);
    assert.ok(conf.participants.every((p: { participantId: number }) => Number.isInteger(p.participantId)));

    // A participant sees it, read-only, and may not change it.
    const berndsList = (await bernd.get(base(berndId))).body;
    assert.equal(berndsList[0].isReadonly, true);
    await expect('getManagedConference', bernd.get(`${base(berndId)}/${id}`), 200);
    await expect('putManagedConference', bernd.put(`${base(berndId)}/${id}`, conf), 403);
    await expect('deleteManagedConference', bernd.delete(`${base(berndId)}/${id}`), 403);
    // Another user's path is 403; an administrator reaches it.
    await expect('getManagedConference', bernd.get(`${base(annaId)}/${id}`), 403);
    await expect('getManagedConferenceList', bernd.get(base(annaId)), 403);
    await expect('getManagedConference', sim.admin.get(`${base(annaId)}/${id}`), 200);

    const updated = await conferenceEvents(() =>
      expect('putManagedConference', anna.put(`${base(annaId)}/${id}`, conf), 204),
    );
    assert.deepEqual(
      updated.map((e) => e.event),
      ['updated'],
    );
    assert.deepEqual((await anna.get(`${base(annaId)}/${id}`)).body, conf, 'participants keep their ids');
    const fewer = { ...conf, name: 'Weekly sync', participants: conf.participants.slice(1) };
    await expect('putManagedConference', anna.put(`${base(annaId)}/${id}`, fewer), 204);
    assert.equal((await anna.get(`${base(annaId)}/${id}`)).body.participants.length, 1);
    assert.equal((await bernd.get(base(berndId))).body.length, 0, 'Bernd no longer takes part');

    const deleted = await conferenceEvents(() =>
      expect('deleteManagedConference', anna.delete(`${base(annaId)}/${id}`), 204),
    );
    assert.deepEqual(
      deleted.map((e) => e.event),
      ['deleted'],
    );
    await expect('getManagedConference', anna.get(`${base(annaId)}/${id}`), 404);
    await expect('deleteManagedConference', anna.delete(`${base(annaId)}/${id}`), 404);
    await expect('putManagedConference', anna.put(`${base(annaId)}/${id}`, conf), 404);
  });

  it('bad input is 400 naming the field; a name taken is 409; unknown users and conferences 404', async () => {
    await create(anna, annaId, plan('Daily'));
    const taken = await expect('postManagedConference', anna.post(base(annaId), plan('Daily')), 409);
    assert.equal(taken.body.code, 'CONFERENCE_NAME_TAKEN');
    await create(bernd, berndId, plan('Daily'));
    for (const [body, field] of [
      [{ ...plan('x'), occurrence: 'NEVER' }, 'occurrence'],
      [{ ...plan('x'), startTime: 'soon' }, 'startTime'],
      [{ ...plan('x'), name: ' ' }, 'name'],
      [{ ...plan('x'), eMailBody: undefined }, 'eMailBody'],
      [
        plan('x', [{ userId: 9999, displayName: 'X', phoneNumber: '1', isModerator: false, callOnStart: false }]),
        'participants.0.userId',
      ],
      [plan('x', [{ userId: 0, displayName: 'X', isModerator: false, callOnStart: false }]), 'phoneNumber'],
    ] as const) {
      const r = await expect('postManagedConference', anna.post(base(annaId), body), 400);
      assert.ok(JSON.stringify(r.body).includes(field), `${field}: ${JSON.stringify(r.body)}`);
    }
    await expect('postManagedConference', sim.admin.post(base(9999), plan('x')), 404);
    await expect('postManagedConference', bernd.post(base(annaId), plan('x')), 403);
    await expect('getManagedConferenceList', sim.admin.get(base(9999)), 404);
    await expect('getManagedConference', anna.get(`${base(annaId)}/9999`), 404);
    await expect('startManagedConference', anna.put(`${base(annaId)}/9999/start`), 404);
    for (const q of ['page=-1', 'pagesize=0', 'sort=colour', 'sortdirection=sideways']) {
      const r = await expect('getManagedConferenceList', anna.get(`${base(annaId)}?${q}`), 400);
      assert.match(JSON.stringify(r.body), new RegExp(q.split('=')[0]!), q);
    }
  });

  it('the list pages from 0 and sorts by name, startTime or conferenceId', async () => {
    for (const [name, t] of [
      ['B', 3],
      ['A', 2],
      ['C', 1],
    ] as const)
      await create(anna, annaId, { ...plan(name), startTime: 1_900_000_000_000 + t });
    const names = async (q: string) =>
      (
        (await expect('getManagedConferenceList', anna.get(`${base(annaId)}?${q}`), 200)).body as { name: string }[]
      ).map((c) => c.name);
    assert.deepEqual(await names(''), ['C', 'A', 'B']);
    assert.deepEqual(await names('sort=name'), ['A', 'B', 'C']);
    assert.deepEqual(await names('sort=name&sortdirection=desc&pagesize=2'), ['C', 'B']);
    assert.deepEqual(await names('sort=conferenceId&pagesize=2&page=1'), ['C']);
  });

  it('PUT …/start: the conference becomes active, once; phoneName names an owner phone; events', async () => {
    const id = await create(
      anna,
      annaId,
      plan('Now', [
        { userId: berndId, displayName: 'Bernd', phoneNumber: '1002', isModerator: true, callOnStart: true },
      ]),
    );
    await expect('startManagedConference', anna.put(`${base(annaId)}/${id}/start?phoneName=nope`), 400);
    await expect('startManagedConference', bernd.put(`${base(berndId)}/${id}/start`), 403);
    const started = await conferenceEvents(() =>
      expect('startManagedConference', anna.put(`${base(annaId)}/${id}/start`), 204),
    );
    assert.equal(started.length, 1);
    assert.equal(started[0]!.event, 'started');
    assert.equal(started[0]!.data.conferenceId, id);
    assert.equal((started[0]!.data.calls as number[]).length, 1);
    assert.equal((await anna.get(base(annaId))).body[0].isActive, true);
    assert.equal((await bernd.get(base(berndId))).body[0].isActive, true);
    const again = await conferenceEvents(() =>
      expect('startManagedConference', anna.put(`${base(annaId)}/${id}/start`), 204),
    );
    assert.deepEqual(again, [], 'starting an active conference again changes nothing');
    // The demo's phone of Anna (its SIP device).
    await expect('startManagedConference', anna.put(`${base(annaId)}/${id}/start?phoneName=Softphone%201001`), 204);
  });
});
