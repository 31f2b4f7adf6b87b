import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EndpointId } from '../../shared/api.js';
import { demoScenario } from '../../simulator/src/scenarios/builtin.js';
import { answerChecker } from '../support/openapiAnswers.js';
import { DEMO_USERS, startSim, type Reply, type RestClient, type RunningSim } from '../support/rest.js';
import { eventsOf as simEventsOf, type SimEventEntry } from '../support/simEvents.js';

describe('REST 6.7: contacts, tags and the contacts scheme', () => {
  let sim: RunningSim;
  let anna: RestClient;
  let bernd: RestClient;
  let annaId: number;
  let berndId: number;
  let check: (id: EndpointId, reply: Reply) => void;
  /** The answer, checked against the OpenAPI document and the table's schema, with the expected status. */
  let expect: (id: EndpointId, reply: Promise<Reply>, status: number) => Promise<Reply>;

  const eventsOf = (change: () => Promise<unknown>) => simEventsOf(sim.admin, change);
  const contactEvents = (events: SimEventEntry[]) =>
    events.filter((e) => e.service === 'sim.events.contacts').map((e) => e.event);

  let userContacts: number;
  beforeEach(async () => {
    sim = await startSim({ scenario: 'demo' });
    anna = await sim.as(DEMO_USERS.anna);
    bernd = await sim.as(DEMO_USERS.bernd);
    annaId = (await anna.get('/users/me')).body.id;
    berndId = (await bernd.get('/users/me')).body.id;
    // Anna without "Adressbuch" reads the central book only; Bernd keeps it and writes there.
    const revoked = await sim.admin.put(`/permissions/6/users?granted=false`, [annaId]);
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    // Every user (the administrator too) is also a contact of the central book, linked by accountId.
    userContacts = (await sim.admin.get('/users')).body.length;
    check = await answerChecker(sim.admin);
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

  const tagByName = async (c: RestClient, name: string) =>
    ((await c.get('/contacts/tags')).body as { id: string; name: string }[]).find((t) => t.name === name)!;
  const names = (list: { contacts: { summaryValues: string[] }[] }) =>
    list.contacts.map((c) => c.summaryValues.filter(Boolean).join(' '));
  const newContact = (values: Record<string, string>, tags: unknown[] = []) => ({
    editable: true,
    tags,
    blocks: [
      { name: 'x', attributes: Object.entries(values).map(([name, value]) => ({ name, value, displayKey: 'NAME' })) },
    ],
  });

  it('GET /contacts/scheme: blocks with labels in the asked language, the summary and phone-number blocks', async () => {
    const de = (await expect('getScheme', sim.admin.get('/contacts/scheme?lang=de'), 200)).body;
    assert.deepEqual(
      de.detailBlocks.map((b: { name: string }) => b.name),
      ['contact', 'telephone', 'address', 'misc'],
    );
    const first = de.detailBlocks[0].attributes.find((a: { name: string }) => a.name === 'firstname');
    assert.deepEqual(first, { name: 'firstname', displayKey: 'NAME', i18nDisplayName: 'Vorname' });
    assert.deepEqual(
      de.summaryBlock.attributes.map((a: { name: string }) => a.name),
      ['firstname', 'lastname', 'company'],
    );
    const en = (await expect('getScheme', anna.get('/contacts/scheme?lang=en_US'), 200)).body;
    assert.equal(en.detailBlocks[0].attributes[2].i18nDisplayName, 'First name');
    assert.equal(en.phoneNumbersBlock.attributes.length, 5);
  });

  it('GET /contacts/tags: central tags for everyone, private ones for their owner; userId rights', async () => {
    const forAnna = (await expect('getTagList', anna.get('/contacts/tags'), 200)).body;
    assert.deepEqual(forAnna.map((t: { name: string }) => t.name).sort(), ['Favorit', 'Kunde', 'Lieferant']);
    const fav = forAnna.find((t: { name: string }) => t.name === 'Favorit');
    assert.equal(fav.owner, String(annaId));
    assert.equal(forAnna.find((t: { name: string }) => t.name === 'Kunde').alias, 'customer');
    const forBernd = (await expect('getTagList', bernd.get('/contacts/tags'), 200)).body;
    assert.deepEqual(forBernd.map((t: { name: string }) => t.name).sort(), ['Kunde', 'Lieferant']);
    // An administrator looks into anyone's book; a user only into their own.
    const viaAdmin = (await expect('getTagList', sim.admin.get(`/contacts/tags?userId=${annaId}`), 200)).body;
    assert.equal(viaAdmin.length, 3);
    await expect('getTagList', bernd.get(`/contacts/tags?userId=${annaId}`), 403);
    assert.equal((await expect('getTagList', bernd.get(`/contacts/tags?userId=${berndId}`), 200)).body.length, 2);
    const bad = await expect('getTagList', anna.get('/contacts/tags?userId=abc'), 400);
    assert.match(JSON.stringify(bad.body), /userId/);
    await expect('getTagList', sim.admin.get('/contacts/tags?userId=9999'), 404);
    // Sorting and paging (pages count from 0).
    const sorted = (await anna.get('/contacts/tags?sort=name&sortdirection=desc')).body;
    assert.deepEqual(
      sorted.map((t: { name: string }) => t.name),
      ['Lieferant', 'Kunde', 'Favorit'],
    );
    const page1 = (await anna.get('/contacts/tags?sort=name&page=1&pagesize=2')).body;
    assert.deepEqual(
      page1.map((t: { name: string }) => t.name),
      ['Lieferant'],
    );
    await expect('getTagList', anna.get('/contacts/tags?sort=colour'), 400);
    await expect('getTagList', anna.get('/contacts/tags?pagesize=0'), 400);
  });

  it('POST /contacts/tags: central needs the right, private for oneself; names are unique per book (409)', async () => {
    let created: Reply | undefined;
    const events = await eventsOf(async () => {
      created = await expect('postTag', sim.admin.post('/contacts/tags', { name: 'Partner', alias: 'partner' }), 201);
    });
    assert.deepEqual(contactEvents(events), ['tag-created']);
    assert.equal(created!.body.name, 'Partner');
    assert.equal(created!.body.owner, undefined);
    assert.equal(created!.headers.get('location'), `/rest/contacts/tags/${created!.body.id}`);
    assert.deepEqual((await sim.admin.get(`/contacts/tags/${created!.body.id}`)).body, created!.body);

    const taken = await expect('postTag', sim.admin.post('/contacts/tags', { name: 'Kunde' }), 409);
    assert.equal(taken.body.code, 'TAG_NAME_TAKEN');
    await expect('postTag', anna.post('/contacts/tags', { name: 'Mine' }), 403);
    // A private tag may share a central tag's name.
    const mine = await expect('postTag', anna.post(`/contacts/tags?userId=${annaId}`, { name: 'Kunde' }), 201);
    assert.equal(mine.body.owner, String(annaId));
    const viaOwner = await expect(
      'postTag',
      bernd.post('/contacts/tags', { name: 'Bernds', owner: String(berndId) }),
      201,
    );
    assert.equal(viaOwner.body.owner, String(berndId));
    await expect('postTag', bernd.post('/contacts/tags', { name: 'X', owner: String(annaId) }), 403);
    await expect('postTag', anna.post(`/contacts/tags?userId=${annaId}`, { name: 'Favorit' }), 409);

    for (const body of [{}, { name: 7 }, { name: '  ' }, { name: 'ok', alias: 3 }]) {
      const r = await expect('postTag', sim.admin.post('/contacts/tags', body), 400);
      assert.match(JSON.stringify(r.body), /name|alias/, JSON.stringify(body));
    }
    // Unknown fields are stripped, null optional fields accepted.
    await expect('postTag', sim.admin.post('/contacts/tags', { name: 'Lenient', alias: null, colour: 'red' }), 201);
  });

  it('GET/PUT/DELETE /contacts/tags/{id}: read, rename (GET accepted back), delete with its contacts untagged', async () => {
    const kunde = await tagByName(sim.admin, 'Kunde');
    const got = (await expect('getTag', anna.get(`/contacts/tags/${kunde.id}`), 200)).body;
    await expect('getTag', sim.admin.get('/contacts/tags/999'), 404);
    const fav = await tagByName(anna, 'Favorit');
    await expect('getTag', bernd.get(`/contacts/tags/${fav.id}`), 404);
    await expect('getTag', sim.admin.get(`/contacts/tags/${fav.id}?userId=${annaId}`), 200);

    // What GET returns goes back unchanged.
    const same = await eventsOf(() => expect('putTag', sim.admin.put(`/contacts/tags/${kunde.id}`, got), 204));
    assert.deepEqual(contactEvents(same), ['tag-updated']);
    await expect('putTag', sim.admin.put(`/contacts/tags/${kunde.id}`, { ...got, name: 'Kundin' }), 204);
    assert.equal((await anna.get(`/contacts/tags/${kunde.id}`)).body.name, 'Kundin');
    await expect('putTag', sim.admin.put(`/contacts/tags/${kunde.id}`, { name: 'Lieferant' }), 409);
    await expect('putTag', anna.put(`/contacts/tags/${kunde.id}`, { name: 'Nope' }), 403);
    await expect('putTag', anna.put(`/contacts/tags/${fav.id}`, { name: 'Liebling', owner: '1' }), 204);
    assert.equal((await anna.get(`/contacts/tags/${fav.id}`)).body.owner, String(annaId), 'the book stays');
    await expect('putTag', sim.admin.put('/contacts/tags/999', { name: 'x' }), 404);
    await expect('putTag', sim.admin.put(`/contacts/tags/${kunde.id}`, { alias: 'x' }), 400);

    await expect('deleteTag', anna.delete(`/contacts/tags/${kunde.id}`), 403);
    await expect('deleteTag', bernd.delete(`/contacts/tags/${fav.id}`), 404);
    const deleted = await eventsOf(() => expect('deleteTag', sim.admin.delete(`/contacts/tags/${kunde.id}`), 204));
    assert.deepEqual(contactEvents(deleted), ['tag-deleted']);
    assert.equal(deleted.find((e) => e.event === 'tag-deleted')!.data.untaggedContacts, 3);
    await expect('getTag', sim.admin.get(`/contacts/tags/${kunde.id}`), 404);
    const list = (await anna.get('/contacts?tags=' + kunde.id)).body;
    assert.equal(list.contacts.length, 0);
    // An administrator deletes a private tag too.
    await expect('deleteTag', sim.admin.delete(`/contacts/tags/${fav.id}`), 204);
    await expect('deleteTag', sim.admin.delete('/contacts/tags/999'), 404);
  });

  it('GET /contacts: the central book plus the private one, search, tags, paging and sorting', async () => {
    // Anna sees the scenario's three central contacts, her private one and the four users' own contacts (every
    // user is a contact of the central book).
    const all = (await expect('getContactList', anna.get('/contacts'), 200)).body;
    assert.equal(all.contacts.length, 4 + userContacts);
    assert.deepEqual(all.metadata, { page: 0, pagesize: 4 + userContacts, sortdirection: 'ASC', totalPages: 1 });
    assert.deepEqual(
      all.summaryBlockSchema.attributes.map((a: { name: string }) => a.name),
      ['firstname', 'lastname', 'company'],
    );
    const dora = all.contacts.find((c: { summaryValues: string[] }) => c.summaryValues[0] === 'Dora');
    assert.deepEqual(dora.summaryValues, ['Dora', 'Dietrich', 'Dietrich Bau GmbH']);
    assert.deepEqual(dora.phoneNumberValues, ['+49301234567', '', '', '', '']);
    assert.equal((await expect('getContactList', bernd.get('/contacts'), 200)).body.contacts.length, 3 + userContacts);
    await expect('getContactList', bernd.get(`/contacts?userId=${annaId}`), 403);
    assert.equal((await sim.admin.get(`/contacts?userId=${annaId}`)).body.contacts.length, 4 + userContacts);

    // Search: any case, in any value; several terms must all match.
    assert.deepEqual(names((await anna.get('/contacts?searchTerms=DIETRICH')).body), [
      'Dora Dietrich Dietrich Bau GmbH',
    ]);
    assert.deepEqual(names((await anna.get('/contacts?searchTerms=hamburg')).body), ['Papier Paulsen KG']);
    assert.deepEqual(names((await anna.get('/contacts?searchTerms=%2B4917')).body), ['Emil Engel Engel & Söhne']);
    assert.equal((await anna.get('/contacts?searchTerms=dora%20engel')).body.contacts.length, 0);
    assert.equal((await anna.get('/contacts?searchTerms=dora%20bau')).body.contacts.length, 1);
    assert.equal((await bernd.get('/contacts?searchTerms=frieda')).body.contacts.length, 0, 'not his private one');

    // Tags by name or id, repeated or comma-separated: a contact with any of them.
    const kunde = await tagByName(anna, 'Kunde');
    assert.equal((await anna.get('/contacts?tags=Kunde')).body.contacts.length, 3);
    assert.equal((await anna.get(`/contacts?tags=${kunde.id}`)).body.contacts.length, 3);
    assert.equal((await anna.get('/contacts?tags=lieferant&tags=Favorit')).body.contacts.length, 2);
    assert.equal((await anna.get('/contacts?tags=Lieferant,Favorit')).body.contacts.length, 2);
    assert.equal((await bernd.get('/contacts?tags=Favorit')).body.contacts.length, 0);
    assert.equal((await anna.get('/contacts?tags=Kunde&searchTerms=engel')).body.contacts.length, 1);

    // Paging from page 0; sorting by an attribute name or displayKey, direction in any case.
    const byLast = (await anna.get('/contacts?sort=lastname&pagesize=3')).body;
    assert.deepEqual(
      byLast.contacts.map((c: { summaryValues: string[] }) => c.summaryValues[1]),
      ['Administrator', 'Albers', 'Brandt'],
    );
    assert.deepEqual(byLast.metadata, { page: 0, pagesize: 3, sort: 'lastname', sortdirection: 'ASC', totalPages: 3 });
    const last = (await expect('getContactList', anna.get('/contacts?sort=SURNAME&pagesize=3&page=2'), 200)).body;
    assert.deepEqual(
      last.contacts.map((c: { summaryValues: string[] }) => c.summaryValues[1] || c.summaryValues[2]),
      ['Fuchs', 'Papier Paulsen KG'],
      'no last name sorts last',
    );
    const desc = (await anna.get('/contacts?sort=lastname&sortdirection=desc&pagesize=1')).body;
    assert.deepEqual(names(desc), ['Papier Paulsen KG']);
    assert.equal(desc.metadata.sortdirection, 'DESC');
    assert.equal((await anna.get('/contacts?page=9&pagesize=2')).body.contacts.length, 0);

    for (const q of ['page=-1', 'page=x', 'pagesize=0', 'sortdirection=up', 'sort=shoesize', 'userId=0']) {
      const r = await expect('getContactList', anna.get(`/contacts?${q}`), 400);
      assert.match(JSON.stringify(r.body), new RegExp(q.split('=')[0]!), q);
    }
  });

  it('GET /contacts/{id}: the blocks of the scheme with values, tags, editable per caller; 404 unknown or private', async () => {
    const list = (await anna.get('/contacts?searchTerms=dora')).body;
    const id = list.contacts[0].id;
    const dora = (await expect('getContact', anna.get(`/contacts/${id}`), 200)).body;
    assert.equal(dora.id, id);
    assert.equal(dora.editable, false, 'anna may not change the central book');
    assert.deepEqual(
      dora.tags.map((t: { name: string }) => t.name),
      ['Kunde'],
    );
    const attrs = dora.blocks.flatMap((b: { attributes: unknown[] }) => b.attributes);
    assert.deepEqual(
      attrs.find((a: { name: string }) => a.name === 'email'),
      { name: 'email', displayKey: 'EMAIL', i18nDisplayName: 'E-Mail', value: 'dora@dietrich-bau.example' },
    );
    assert.equal(attrs.find((a: { name: string }) => a.name === 'city').value, undefined);
    assert.equal((await sim.admin.get(`/contacts/${id}`)).body.editable, true);

    const frieda = (await anna.get('/contacts?searchTerms=frieda')).body.contacts[0].id;
    assert.equal((await expect('getContact', anna.get(`/contacts/${frieda}`), 200)).body.editable, true);
    await expect('getContact', bernd.get(`/contacts/${frieda}`), 404);
    await expect('getContact', anna.get('/contacts/99999'), 404);
    await expect('getContact', bernd.get(`/contacts/${frieda}?userId=${annaId}`), 403);
  });

  it('POST /contacts: central (with the right) or private; values by attribute name, tags by id or name', async () => {
    const kunde = await tagByName(sim.admin, 'Kunde');
    let created: Reply | undefined;
    const events = await eventsOf(async () => {
      created = await expect(
        'postContact',
        sim.admin.post(
          '/contacts',
          newContact({ firstname: 'Gero', lastname: 'Graf', phone: '+4930111' }, [{ id: kunde.id, name: 'x' }]),
        ),
        201,
      );
    });
    assert.deepEqual(contactEvents(events), ['created']);
    const c = created!.body;
    assert.equal(created!.headers.get('location'), `/rest/contacts/${c.id}`);
    assert.deepEqual(
      c.tags.map((t: { name: string }) => t.name),
      ['Kunde'],
    );
    assert.deepEqual((await anna.get('/contacts?searchTerms=graf')).body.contacts[0].phoneNumberValues[0], '+4930111');

    await expect('postContact', anna.post('/contacts', newContact({ firstname: 'No' })), 403);
    await expect('postContact', bernd.post('/contacts', newContact({ firstname: 'Yes' })), 201);
    const own = await expect(
      'postContact',
      anna.post(`/contacts?userId=${annaId}`, newContact({ firstname: 'Hanna' }, [{ name: 'Favorit' }])),
      201,
    );
    assert.equal(own.body.editable, true);
    assert.equal((await bernd.get('/contacts?searchTerms=hanna')).body.contacts.length, 0);
    // A tag of another book is refused by name.
    const r = await expect(
      'postContact',
      bernd.post(`/contacts?userId=${berndId}`, newContact({ firstname: 'X' }, [{ name: 'Favorit' }])),
      400,
    );
    assert.equal(r.body.details.field, 'tags.0');
    const unknownAttr = await expect('postContact', sim.admin.post('/contacts', newContact({ shoesize: '44' })), 400);
    assert.equal(unknownAttr.body.details.field, 'blocks.0.attributes.0.name');
    for (const body of [{}, { blocks: [], tags: [] }, { blocks: 'x', editable: true, tags: [] }]) {
      const bad = await expect('postContact', sim.admin.post('/contacts', body), 400);
      assert.match(JSON.stringify(bad.body), /blocks|editable/);
    }
  });

  it('PUT /contacts/{id}: what GET returns goes back unchanged; values and tags are replaced; rights', async () => {
    const id = (await anna.get('/contacts?searchTerms=emil')).body.contacts[0].id;
    const before = (await sim.admin.get(`/contacts/${id}`)).body;
    const events = await eventsOf(() => expect('putContact', sim.admin.put(`/contacts/${id}`, before), 204));
    assert.deepEqual(contactEvents(events), ['updated']);
    assert.deepEqual((await sim.admin.get(`/contacts/${id}`)).body, before);

    const changed = structuredClone(before);
    changed.blocks[2].attributes.find((a: { name: string }) => a.name === 'city').value = 'Köln';
    changed.blocks[0].attributes.find((a: { name: string }) => a.name === 'company').value = '';
    changed.tags = [{ name: 'Lieferant' }];
    await expect('putContact', sim.admin.put(`/contacts/${id}`, changed), 204);
    const after = (await anna.get(`/contacts?searchTerms=köln`)).body.contacts;
    assert.deepEqual(after[0].summaryValues, ['Emil', 'Engel', '']);
    assert.equal((await anna.get('/contacts?tags=Kunde&searchTerms=emil')).body.contacts.length, 0);

    await expect('putContact', anna.put(`/contacts/${id}`, before), 403);
    await expect('putContact', sim.admin.put('/contacts/99999', before), 404);
    await expect('putContact', sim.admin.put(`/contacts/${id}`, { ...before, tags: 'x' }), 400);
    const frieda = (await anna.get('/contacts?searchTerms=frieda')).body.contacts[0].id;
    const fr = (await anna.get(`/contacts/${frieda}`)).body;
    await expect('putContact', anna.put(`/contacts/${frieda}`, fr), 204);
    await expect('putContact', bernd.put(`/contacts/${frieda}`, fr), 404);
  });

  it('DELETE /contacts/{id}: by who may write it; unknown 404', async () => {
    const frieda = (await anna.get('/contacts?searchTerms=frieda')).body.contacts[0].id;
    const dora = (await anna.get('/contacts?searchTerms=dora')).body.contacts[0].id;
    await expect('deleteContact', bernd.delete(`/contacts/${frieda}`), 404);
    await expect('deleteContact', anna.delete(`/contacts/${dora}`), 403);
    const events = await eventsOf(() => expect('deleteContact', anna.delete(`/contacts/${frieda}`), 204));
    assert.deepEqual(contactEvents(events), ['deleted']);
    await expect('getContact', anna.get(`/contacts/${frieda}`), 404);
    await expect('deleteContact', sim.admin.delete(`/contacts/${dora}`), 204);
    await expect('deleteContact', sim.admin.delete(`/contacts/${dora}`), 404);
    assert.equal((await anna.get('/contacts')).body.contacts.length, 2 + userContacts);
  });

  it("a user's own contact (accountId) shows the user's Jabber id and number, keeps its link and is not deleted (409)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contacts67-'));
    const file = join(dir, 'linked.json');
    const scenario = demoScenario();
    scenario.contacts = [...(scenario.contacts ?? []), { user: '1002', values: { firstname: 'Bernd', lastname: 'B' } }];
    writeFileSync(file, JSON.stringify(scenario));
    const other = await startSim({ scenario: file });
    try {
      const bernd2 = (await other.admin.get('/users')).body.find((x: { login: string }) => x.login === '1002');
      assert.ok(bernd2.personId, 'the user points to the contact');
      const contact = (await other.admin.get(`/contacts/${bernd2.personId}`)).body;
      assert.equal(contact.accountId, bernd2.id);
      assert.equal(contact.jabberId, '1002');
      assert.equal(typeof contact.primaryInternalNumber, 'string');
      assert.equal((await other.admin.put(`/contacts/${contact.id}`, contact)).status, 204);
      assert.equal((await other.admin.get(`/contacts/${contact.id}`)).body.accountId, bernd2.id, 'the link stays');
      const refused = await other.admin.delete(`/contacts/${contact.id}`);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'CONTACT_OF_USER');
      const summary = (await other.admin.get('/contacts?searchTerms=bernd')).body.contacts[0];
      assert.deepEqual(summary.additionalValues, { accountId: bernd2.id });
    } finally {
      await other.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a refused change makes no event', async () => {
    const kunde = await tagByName(sim.admin, 'Kunde');
    const events = await eventsOf(async () => {
      await sim.admin.post('/contacts/tags', { name: 'Lieferant' });
      await sim.admin.put(`/contacts/tags/${kunde.id}`, { name: 'Lieferant' });
      await anna.post('/contacts', newContact({ firstname: 'x' }));
      await sim.admin.post('/contacts', newContact({ nope: 'x' }));
    });
    assert.deepEqual(contactEvents(events), []);
  });
});
