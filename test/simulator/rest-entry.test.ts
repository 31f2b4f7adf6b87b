import assert from 'node:assert/strict';
import { startSim, type RunningSim } from '../support/rest.js';

/*
 * The HTTP entry in front of the REST table: /rest requests skip express's router but keep what it gave the
 * handlers and clients — HEAD as GET, the /rest prefix in any case, query strings, Location under /rest, JSON
 * 404s and the web page outside /rest.
 */
describe('REST entry: /rest straight to the table, everything else through the app', () => {
  let sim: RunningSim;
  let origin: string;
  let token: string;

  before(async () => {
    sim = await startSim({ scenario: 'demo' });
    origin = new URL(sim.base).origin;
    token = sim.admin.token!;
  });
  after(() => sim.stop());

  const send = (method: string, path: string) =>
    fetch(origin + path, { method, headers: { authToken: token, 'X-Version': '2' } });

  it('HEAD is answered as GET, without a body', async () => {
    const head = await send('HEAD', '/rest/users/me');
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(await head.text(), '');
  });

  it('the prefix in any case, a query string, and the Location of a created object under /rest', async () => {
    const me = await send('GET', '/REST/users/me');
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { login: string }).login, 'admin');
    const found = (await (await send('GET', '/rest/users?searchTerm=albers')).json()) as { login: string }[];
    assert.deepEqual(
      found.map((u) => u.login),
      ['1001'],
    );
    const created = await sim.admin.post('/groups', { name: 'Entry', assignableUsers: [], assignableNumbers: [] });
    assert.equal(created.status, 204, JSON.stringify(created.body));
    assert.match(created.headers.get('location') ?? '', /^\/rest\/groups\/\d+$/);
  });

  it('unknown paths are JSON 404s inside and outside /rest; / is the web page', async () => {
    for (const path of ['/rest', '/rest?x=1', '/rest/nowhere', '/restless', '/nowhere']) {
      const r = await send('GET', path);
      assert.equal(r.status, 404, path);
      assert.equal(((await r.json()) as { code: string }).code, 'NOT_FOUND', path);
    }
    const page = await fetch(origin + '/');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>STARFACE VoIP Software<\/title>/);
  });

  it('a body that is not JSON is a 400 naming the problem, through the same error handler', async () => {
    const r = await fetch(origin + '/rest/groups', {
      method: 'POST',
      headers: { authToken: token, 'Content-Type': 'application/json' },
      body: '{not json',
    });
    assert.equal(r.status, 400);
    const body = (await r.json()) as { code: string; message: string };
    assert.equal(typeof body.code, 'string');
    assert.equal(typeof body.message, 'string');
  });
});
