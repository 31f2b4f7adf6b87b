import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { API } from '../../shared/api.js';
import { successSchema, type Endpoint } from '../../shared/api/endpoint.js';
import { restLoginSecret } from '../../shared/hashes.js';
import { AccountSchema } from '../../shared/schemas/accounts.js';
import { DEMO_USERS, RestClient, startSim, type Reply, type RunningSim } from '../support/rest.js';
import { assertError } from '../support/apiErrors.js';

// The users side of the REST API 6.7.0.22 as the fact sheet documents it, and as the official clients use it.

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const AVATAR_MAX_BYTES = 256 * 1024;

const paths = (reply: Reply) => ((reply.body.details ?? []) as { path: string }[]).map((d) => d.path);

async function loginStatus(base: string, login: string, password: string): Promise<number> {
  const c = new RestClient(base);
  const { body } = await c.get('/login');
  const reply = await c.post('/login', {
    loginType: 'Internal',
    nonce: body.nonce,
    secret: restLoginSecret(login, body.nonce, password),
  });
  return reply.status;
}

/** Raw bytes with a content type, as the JavaScript example sends an avatar. */
async function sendBytes(c: RestClient, method: string, path: string, bytes: Buffer, type = 'image/png') {
  const res = await fetch(c.base + path, {
    method,
    headers: { 'Content-Type': type, 'X-Version': '2', authToken: c.token! },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : '', headers: res.headers } as Reply;
}

async function getBytes(c: RestClient, path: string) {
  const res = await fetch(c.base + path, { headers: { 'X-Version': '2', authToken: c.token! } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('REST 6.7 users: leniency, codes, accounts, avatars', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let bernd: RestClient;
  /** The 2xx answer schema of each operation in the simulator's own OpenAPI document. */
  let validateAnswer: (id: keyof typeof API, body: unknown) => void;

  before(async () => {
    sim = await startSim({ scenario: 'demo', rateLimit: { perLogin: 1000, perAddress: 1000 } });
    anna = await sim.as(DEMO_USERS.anna);
    bernd = await sim.as(DEMO_USERS.bernd);
    const doc = (await sim.admin.get('/openapi.json')).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    validateAnswer = (id, body) => {
      const e = API[id] as Endpoint;
      const op = doc.paths[e.path][e.method];
      const ok = Object.keys(op.responses).find((s) => s.startsWith('2'))!;
      const schema = op.responses[ok].content['application/json'].schema;
      assert.ok(ajv.validate(schema, body), `${id}: ${ajv.errorsText()} in ${JSON.stringify(body).slice(0, 300)}`);
      const zod = successSchema(e)!.safeParse(body);
      assert.ok(zod.success, `${id}: ${JSON.stringify(zod.error?.issues)}`);
    };
  });
  after(async () => {
    await sim?.stop();
  });

  describe('User shape', () => {
    it('every user carries every field of the fact sheet, password empty, and a personId', async () => {
      const reply = await sim.admin.get('/users');
      assert.equal(reply.status, 200);
      validateAnswer('getUsers', reply.body);
      for (const u of reply.body) {
        for (const k of ['email', 'familyName', 'faxCallerId', 'faxCoverPage', 'faxEmailJournal', 'faxHeader'].concat([
          'firstName',
          'id',
          'language',
          'login',
          'missedCallReport',
          'namespace',
          'password',
          'personId',
        ]))
          assert.ok(k in u, `${u.login} has ${k}`);
        assert.equal(u.password, '');
        assert.match(u.personId, /^\S+$/, `${u.login} has a personId`);
      }
      const ids = reply.body.map((u: { personId: string }) => u.personId);
      assert.equal(new Set(ids).size, ids.length, 'one contact per user');
      validateAnswer('usersMeGet', (await anna.get('/users/me')).body);
      validateAnswer('getUser', (await anna.get('/users/3')).body);
    });
  });

  describe('the official clients', () => {
    let phpId: number;

    it('PHP: POST with a numeric login and no password → 201; stored as a string; cannot sign in', async () => {
      const reply = await sim.admin.post('/users', {
        login: 1098, // numeric; not 1099, the demo's virtual phone: a login is dialled too (numberClaims.ts)
        firstName: 'Php',
        familyName: 'Example',
        email: 'php@example.invalid',
        language: 'de',
      });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      validateAnswer('postUser', reply.body);
      assert.equal(reply.body.login, '1098');
      assert.equal(reply.body.password, '');
      phpId = reply.body.id;
      assert.equal((await sim.admin.get(`/users/${phpId}`)).body.login, '1098');
      assert.equal(await loginStatus(sim.base, '1098', ''), 400, 'no REST sign-in without a password');
      const uci = await sim.client().post('/sim/teams/login', {
        pbxName: 'x.example.invalid',
        key: 'k',
        login: '1098',
        password: '',
      });
      assert.notEqual(uci.status, 200, 'no Teams sign-in without a password');
    });

    it('setting a password later lets the user sign in', async () => {
      const current = (await sim.admin.get(`/users/${phpId}`)).body;
      assert.equal((await sim.admin.put(`/users/${phpId}`, { ...current, password: 'php-pass-1098' })).status, 204);
      assert.equal(await loginStatus(sim.base, '1098', 'php-pass-1098'), 200);
    });

    it('Java: GET → change a field → PUT the whole object back → 204, no body; the change shows', async () => {
      const current = (await sim.admin.get('/users/3')).body;
      const reply = await sim.admin.put('/users/3', { ...current, faxHeader: 'Brandt Fax', missedCallReport: true });
      assert.equal(reply.status, 204, JSON.stringify(reply.body));
      assert.equal(reply.body, '');
      const after = (await sim.admin.get('/users/3')).body;
      assert.equal(after.faxHeader, 'Brandt Fax');
      assert.equal(after.missedCallReport, true);
      assert.equal(after.personId, current.personId, 'the contact link stays');
      assert.equal(await loginStatus(sim.base, DEMO_USERS.bernd.login, DEMO_USERS.bernd.password), 200);
    });

    it('an echo with password "" or null, nulls for optional fields and unknown fields leaves the password', async () => {
      const current = (await sim.admin.get('/users/4')).body;
      for (const password of ['', null]) {
        const body = { ...current, password, namespace: null, faxHeader: null, somethingNew: 1 };
        assert.equal((await sim.admin.put('/users/4', body)).status, 204);
        assert.equal(await loginStatus(sim.base, DEMO_USERS.carla.login, DEMO_USERS.carla.password), 200);
      }
      const after = (await sim.admin.get('/users/4')).body;
      assert.ok(!('somethingNew' in after));
      assert.equal(after.extension, current.extension, 'extension accepted back');
    });

    it('a different id or personId in the body is ignored: the path names the user, the PBX keeps the link', async () => {
      const current = (await sim.admin.get('/users/4')).body;
      assert.equal((await sim.admin.put('/users/4', { ...current, id: 3, personId: 'other' })).status, 204);
      const after = (await sim.admin.get('/users/4')).body;
      assert.equal(after.personId, current.personId);
      assert.equal((await sim.admin.get('/users/3')).body.login, DEMO_USERS.bernd.login);
    });

    it('wrong types are 400 naming the field; unknown ids 404; a short password 400', async () => {
      const current = (await sim.admin.get('/users/4')).body;
      const bad = await sim.admin.put('/users/4', { ...current, faxCoverPage: 'yes', login: { x: 1 } });
      assertError(bad, 400, 'VALIDATION_FAILED');
      assert.ok(paths(bad).includes('faxCoverPage') && paths(bad).includes('login'), JSON.stringify(bad.body));
      assertError(await sim.admin.put('/users/4', { ...current, login: -5 }), 400);
      const short = await sim.admin.put('/users/4', { ...current, password: 'abc' });
      assertError(short, 400);
      assert.deepEqual(paths(short), ['password']);
      assertError(await sim.admin.put('/users/999', { ...current, login: 'ghost', extension: '2999' }), 404);
    });

    it('a user created and deleted takes their contact along', async () => {
      const created = await sim.admin.post('/users', {
        login: 'temp.user',
        firstName: 'Temp',
        familyName: 'User',
        email: '',
        language: 'de',
      });
      assert.equal(created.status, 201);
      const personId = created.body.personId as string;
      assert.ok(personId);
      const events = (await sim.admin.get('/sim/events?sinceSeq=0&limit=10000')).body.events as {
        service: string;
        event: string;
        data: { contactId?: string; accountId?: number };
      }[];
      assert.ok(
        events.some(
          (e) => e.service === 'sim.events.contacts' && e.event === 'created' && e.data.contactId === personId,
        ),
      );
      assert.equal((await sim.admin.delete(`/users/${created.body.id}`)).status, 204);
      const later = (await sim.admin.get('/sim/events?sinceSeq=0&limit=10000')).body.events as typeof events;
      assert.ok(
        later.some(
          (e) => e.service === 'sim.events.contacts' && e.event === 'deleted' && e.data.contactId === personId,
        ),
      );
    });
  });

  describe('rights', () => {
    it('a non-admin lists all users (200, never 403) and reads each; writes stay admin-only', async () => {
      const list = await anna.get('/users?searchTerm=Brandt');
      assert.equal(list.status, 200);
      validateAnswer('getUsers', list.body);
      assert.deepEqual(
        list.body.map((u: { login: string }) => u.login),
        ['1002'],
      );
      assert.equal((await anna.get('/users/1')).status, 200);
      assertError(await anna.get('/users/999'), 404);
      const self = (await anna.get('/users/2')).body;
      assertError(await anna.put('/users/2', self), 403, 'FORBIDDEN');
    });

    it('permission PUTs answer 200; granted in any case; anything else 400', async () => {
      const grant = await sim.admin.put('/permissions/13/users?granted=TRUE', [3]);
      assert.equal(grant.status, 200, JSON.stringify(grant.body));
      assert.ok((await sim.admin.get('/permissions/users/3')).body.some((p: { id: number }) => p.id === 13));
      assert.equal((await sim.admin.put('/permissions/13/users?granted=False', [3])).status, 200);
      assert.ok(!(await sim.admin.get('/permissions/users/3')).body.some((p: { id: number }) => p.id === 13));
      const bad = await sim.admin.put('/permissions/13/users?granted=maybe', [3]);
      assertError(bad, 400);
      assert.match(bad.body.message, /granted/);
      const ids = (await sim.admin.get('/permissions/users/3')).body.map((p: { id: number }) => p.id);
      assert.equal((await sim.admin.put('/permissions/users/3', ids)).status, 200);
    });
  });

  describe('GET /accounts', () => {
    it('users and groups in one id space, for every signed-in user', async () => {
      const reply = await anna.get('/accounts');
      assert.equal(reply.status, 200);
      validateAnswer('getAccountsList', reply.body);
      const accounts = AccountSchema.array().parse(reply.body);
      const users = (await sim.admin.get('/users')).body as { id: number; login: string; extension?: string }[];
      for (const u of users) {
        const a = accounts.find((x) => x.accountId === u.id);
        assert.ok(a, `account of ${u.login}`);
        assert.equal(a.type, 'USER');
        assert.equal(a.local, true);
      }
      assert.equal(accounts.find((a) => a.accountId === 2)!.primaryInternalPhoneNumber, '1001');
      const ids = accounts.map((a) => a.accountId);
      assert.equal(new Set(ids).size, ids.length, 'one id space');
      assertError(await sim.client().get('/accounts'), 401);
    });
  });

  describe('avatars', () => {
    it('PUT a PNG → 204; GET answers its bytes and type; anyone signed in may read it', async () => {
      const put = await sendBytes(anna, 'PUT', '/users/2/avatar', PNG);
      assert.equal(put.status, 204, JSON.stringify(put.body));
      for (const c of [anna, bernd, sim.admin]) {
        const got = await getBytes(c, '/users/2/avatar');
        assert.equal(got.status, 200);
        assert.equal(got.type, 'image/png');
        assert.deepEqual(got.bytes, PNG);
      }
    });

    it('a JPEG is recognised by its bytes whatever the content type says; an admin may set it', async () => {
      assert.equal(
        (await sendBytes(sim.admin, 'PUT', '/users/2/avatar', JPEG, 'application/octet-stream')).status,
        204,
      );
      const got = await getBytes(bernd, '/users/2/avatar');
      assert.equal(got.type, 'image/jpeg');
      assert.deepEqual(got.bytes, JPEG);
    });

    it('another user may not write or delete it (403); no avatar or no user is 404', async () => {
      assertError(await sendBytes(bernd, 'PUT', '/users/2/avatar', PNG), 403, 'FORBIDDEN');
      assertError(await bernd.delete('/users/2/avatar'), 403, 'FORBIDDEN');
      assertError(await bernd.get('/users/3/avatar'), 404);
      assertError(await sim.admin.get('/users/999/avatar'), 404);
      assertError(await sendBytes(sim.admin, 'PUT', '/users/999/avatar', PNG), 404);
    });

    it('not an image → 400 naming the body; empty → 400; too large → 413; nothing changes', async () => {
      const notImage = await sendBytes(
        anna,
        'PUT',
        '/users/2/avatar',
        Buffer.from('{"hello":"json"}'),
        'application/json',
      );
      assertError(notImage, 400, 'AVATAR_NOT_AN_IMAGE');
      assert.match(notImage.body.message, /body/);
      assertError(await sendBytes(anna, 'PUT', '/users/2/avatar', Buffer.alloc(0)), 400);
      const huge = Buffer.concat([PNG, Buffer.alloc(AVATAR_MAX_BYTES)]);
      const tooLarge = await sendBytes(anna, 'PUT', '/users/2/avatar', huge);
      assertError(tooLarge, 413, 'AVATAR_TOO_LARGE');
      assert.equal(tooLarge.body.details.limit, AVATAR_MAX_BYTES);
      assert.equal((await getBytes(anna, '/users/2/avatar')).type, 'image/jpeg', 'the old avatar stays');
    });

    it('DELETE → 204, then GET and DELETE are 404; the OpenAPI document lists binary bodies', async () => {
      assert.equal((await anna.delete('/users/2/avatar')).status, 204);
      assertError(await anna.get('/users/2/avatar'), 404);
      assertError(await anna.delete('/users/2/avatar'), 404);
      const doc = (await sim.admin.get('/openapi.json')).body;
      const put = doc.paths['/users/{userId}/avatar'].put;
      assert.deepEqual(put.requestBody.content['image/png'].schema, { type: 'string', format: 'binary' });
      assert.ok(put.requestBody.content['application/octet-stream']);
      assert.ok(doc.paths['/users/{userId}/avatar'].get.responses['200'].content['image/jpeg']);
    });

    it('other routes read only application/json bodies', async () => {
      const reply = await sim.admin.call('PUT', '/permissions/users/3', undefined, {
        raw: '[1]',
        headers: { 'Content-Type': 'text/plain' },
      });
      assert.equal(reply.status, 415);
    });
  });

  describe('GET / outside /rest', () => {
    it('is a public page titled "STARFACE VoIP Software"; other paths stay a JSON 404', async () => {
      const root = new URL(sim.base).origin;
      const page = await fetch(root + '/');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await page.text(), /<title>STARFACE VoIP Software<\/title>/);
      const other = await fetch(root + '/index.html');
      assert.equal(other.status, 404);
      assert.equal((await other.json()).code, 'NOT_FOUND');
    });
  });
});
