import assert from 'node:assert/strict';
import { SIM_SERVICES } from '../../shared/schemas/events.js';
import { answerChecker, type AnswerCheck } from '../support/openapiAnswers.js';
import { DEMO_USERS, startSim, type Reply, type RestClient, type RunningSim } from '../support/rest.js';
import { eventsOf } from '../support/simEvents.js';

type Check = AnswerCheck;

const ANNA = 2;
const BERND = 3;

const workdays = {
  monday: true,
  tuesday: true,
  wednesday: true,
  thursday: true,
  friday: true,
  saturday: false,
  sunday: false,
  timeBegin: '08:00',
  timeEnd: '17:30',
};
const mobile = (number: string) => ({ active: true, confirm: false, delay: 5, fmcSchedule: [workdays], number });

describe('REST iFMC phones (6.7)', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let bernd: RestClient;
  let check: Check;

  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    anna = await sim.as(DEMO_USERS.anna);
    bernd = await sim.as(DEMO_USERS.bernd);
    check = await answerChecker(sim.admin);
  });
  after(async () => {
    await sim.stop();
  });

  /**
   * Whether Anna has a phone of that name, seen over the wire through her function key set (set "1"), which may
   * be put on her phones only: 200 for one of hers, 404 for no such phone.
   */
  const annaHasPhone = async (name: string) =>
    (await anna.put(`/functionkeysets/1/phone?phone=${encodeURIComponent(name)}`)).status === 200;

  it('the demo has none: GET /fmcPhones answers [] for the caller', async () => {
    const reply = await anna.get('/fmcPhones');
    check('getFmcPhones', reply, 200);
    assert.deepEqual(reply.body, []);
  });

  let annasId: string;

  it("POST adds an iFMC phone (201, Location) and its phone among the user's phones, with events", async () => {
    let reply: Reply | undefined;
    const events = await eventsOf(
      sim.admin,
      async () => (reply = await anna.post('/fmcPhones', mobile('+491701112233'))),
    );
    check('postFmcPhone', reply!, 201);
    const location = reply!.headers.get('location')!;
    assert.match(location, /^\/rest\/fmcPhones\/.+$/);
    annasId = decodeURIComponent(location.split('/').pop()!);
    const phoneId = events.find((e) => e.service === SIM_SERVICES.phones)!.data.phoneId;
    assert.deepEqual(events[0]!.data, { phoneId, userId: ANNA, kind: 'ifmc' });
    assert.ok(await annaHasPhone('iFMC +491701112233'), 'the iFMC phone is one of her phones');
    assert.ok((await anna.get('/functionkeysets/1/phones')).body.includes('iFMC +491701112233'));
    assert.deepEqual(
      events.map((e) => [e.service, e.event]),
      [
        [SIM_SERVICES.phones, 'created'],
        [SIM_SERVICES.fmc, 'created'],
      ],
    );
    const got = await anna.get(`/fmcPhones/${annasId}`);
    check('getFmcPhone', got, 200);
    assert.deepEqual(got.body, { ...mobile('+491701112233'), id: annasId, telephoneId: String(phoneId) });
    const list = await anna.get('/fmcPhones');
    check('getFmcPhones', list, 200);
    assert.deepEqual(list.body, [got.body]);
  });

  it('rights: another user 403, an admin for anyone (userId), unknown user or phone 404', async () => {
    check('getFmcPhone', await bernd.get(`/fmcPhones/${annasId}`), 403);
    check('getFmcPhones', await bernd.get(`/fmcPhones?userId=${ANNA}`), 403);
    check('putFmcPhone', await bernd.put(`/fmcPhones/${annasId}`, mobile('+491701112233')), 403);
    check('deleteFmcPhone', await bernd.delete(`/fmcPhones/${annasId}`), 403);
    check('postFmcPhone', await bernd.post(`/fmcPhones?userId=${ANNA}`, mobile('+491709999999')), 403);
    check('getFmcPhone', await sim.admin.get(`/fmcPhones/${annasId}`), 200);
    check('getFmcPhone', await sim.admin.get(`/fmcPhones/${annasId}?userId=${ANNA}`), 200);
    check('getFmcPhone', await sim.admin.get(`/fmcPhones/${annasId}?userId=${BERND}`), 404);
    const forAnna = await sim.admin.get(`/fmcPhones?userId=${ANNA}`);
    check('getFmcPhones', forAnna, 200);
    assert.equal(forAnna.body.length, 1);
    assert.deepEqual((await sim.admin.get('/fmcPhones')).body, []);
    check('getFmcPhones', await sim.admin.get('/fmcPhones?userId=999'), 404);
    check('getFmcPhone', await anna.get('/fmcPhones/999'), 404);
    const forBernd = await sim.admin.post(`/fmcPhones?userId=${BERND}`, mobile('+491704445566'));
    check('postFmcPhone', forBernd, 201);
    assert.equal((await bernd.get('/fmcPhones')).body.length, 1);
  });

  it('bad input 400 naming the field, a number taken 409, no event', async () => {
    const cases: [Record<string, unknown>, string, number][] = [
      [{ ...mobile('12ab') }, 'number', 400],
      [{ ...mobile('+491700000001'), delay: -1 }, 'delay', 400],
      [{ ...mobile('+491700000001'), delay: 'soon' }, 'delay', 400],
      [{ ...mobile('+491700000001'), active: undefined }, 'active', 400],
      [
        { ...mobile('+491700000001'), fmcSchedule: [{ ...workdays, timeBegin: '25:00' }] },
        'fmcSchedule.0.timeBegin',
        400,
      ],
      [{ ...mobile('+491700000001'), fmcSchedule: [{ ...workdays, monday: undefined }] }, 'monday', 400],
      [mobile('+491701112233'), 'number', 409],
    ];
    for (const [body, field, status] of cases) {
      let reply: Reply | undefined;
      const events = await eventsOf(sim.admin, async () => (reply = await anna.post('/fmcPhones', body)));
      check('postFmcPhone', reply!, status);
      assert.ok(
        JSON.stringify(reply!.body).includes(field),
        `${JSON.stringify(body)} → ${JSON.stringify(reply!.body)}`,
      );
      assert.deepEqual(events, []);
    }
  });

  it('PUT takes back what GET gave (204) and renames the phone with the number', async () => {
    const got = (await anna.get(`/fmcPhones/${annasId}`)).body;
    check('putFmcPhone', await anna.put(`/fmcPhones/${annasId}`, got), 204);
    let reply: Reply | undefined;
    const events = await eventsOf(
      sim.admin,
      async () =>
        (reply = await anna.put(`/fmcPhones/${annasId}`, { ...got, number: '+491707778899', active: false, id: null })),
    );
    check('putFmcPhone', reply!, 204);
    assert.deepEqual(
      events.map((e) => [e.service, e.event]),
      [
        [SIM_SERVICES.phones, 'updated'],
        [SIM_SERVICES.fmc, 'updated'],
      ],
    );
    const now = (await anna.get(`/fmcPhones/${annasId}`)).body;
    assert.equal(now.number, '+491707778899');
    assert.equal(now.active, false);
    assert.ok(await annaHasPhone('iFMC +491707778899'), 'the phone has the new number in its name');
    assert.ok(!(await annaHasPhone('iFMC +491701112233')), 'and not the old');
    check('putFmcPhone', await anna.put(`/fmcPhones/${annasId}`, { ...got, number: '+491704445566' }), 409);
    check('putFmcPhone', await anna.put(`/fmcPhones/${annasId}`, { ...got, delay: 9999 }), 400);
    check('putFmcPhone', await anna.put('/fmcPhones/999', got), 404);
  });

  it('DELETE removes it, its phone and the phone from the key set showing it (204, events), then 404', async () => {
    assert.ok((await anna.get('/functionkeysets/1/phones')).body.includes('iFMC +491707778899'));
    let reply: Reply | undefined;
    const events = await eventsOf(sim.admin, async () => (reply = await anna.delete(`/fmcPhones/${annasId}`)));
    check('deleteFmcPhone', reply!, 204);
    assert.deepEqual(
      events.map((e) => [e.service, e.event]),
      [
        [SIM_SERVICES.functionKeys, 'updated'],
        [SIM_SERVICES.phones, 'deleted'],
        [SIM_SERVICES.fmc, 'deleted'],
      ],
    );
    assert.ok(!(await annaHasPhone('iFMC +491707778899')), 'the phone is gone');
    assert.ok(!(await anna.get('/functionkeysets/1/phones')).body.some((n: string) => n.startsWith('iFMC')));
    check('getFmcPhone', await anna.get(`/fmcPhones/${annasId}`), 404);
    check('deleteFmcPhone', await anna.delete(`/fmcPhones/${annasId}`), 404);
  });
});
