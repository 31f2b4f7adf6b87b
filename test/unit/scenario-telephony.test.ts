import assert from 'node:assert/strict';
import { BUILTIN_NAMES } from '../../shared/scenarios.js';
import type { ScenarioInput } from '../../shared/schemas/scenario.js';
import { buildScenarioState, loadScenario, parseScenario, ScenarioError } from '../../simulator/src/scenarios/apply.js';
import { demoScenario } from '../../simulator/src/scenarios/builtin.js';
import { emptyState, PbxStateSchema } from '../../simulator/src/state/model.js';

const build = (input: ScenarioInput) =>
  buildScenarioState(parseScenario(input, 'test'), { adminPasswordHash: 'x' }, () => {});

function scenario(extra: Partial<ScenarioInput>): ScenarioInput {
  return {
    name: 't',
    users: [
      { login: '2001', firstName: 'A', familyName: 'A', password: 'secret-2001', extension: '2001' },
      { login: '2002', firstName: 'B', familyName: 'B', password: 'secret-2002' },
    ],
    ...extra,
  };
}

function refused(input: ScenarioInput, pattern: RegExp): void {
  assert.throws(
    () => build(input),
    (err: Error) => err instanceof ScenarioError && pattern.test(err.message),
    `expected ${pattern}`,
  );
}

describe('scenarios: the telephony model', () => {
  it('the demo builds numbers, phones, the group Support, voicemail, contacts, keys, a disabled redirect and a service', () => {
    const state = build(demoScenario());
    const login = (id: number | null) => state.users.find((u) => u.id === id)?.login;
    for (const who of ['1001', '1002', '1003']) {
      const user = state.users.find((u) => u.login === who)!;
      const own = state.phoneNumbers.filter((n) => n.userId === user.id);
      assert.deepEqual(own.map((n) => n.type).sort(), ['EXTERNAL', 'INTERNAL'], who);
      assert.equal(state.phones.filter((p) => p.userId === user.id && p.kind === 'sip').length, 1, who);
      assert.ok(
        state.voicemailboxes.some((v) => v.users.some((u) => u.userId === user.id)),
        who,
      );
      const settings = state.telephonySettings.find((t) => t.userId === user.id)!;
      assert.ok(settings.primaryPhoneId && settings.primaryInternalNumberId && settings.primaryExternalNumberId, who);
    }
    const support = state.groups.find((g) => g.name === 'Support')!;
    assert.deepEqual(
      support.members.map((m) => login(m.userId)),
      ['1001', '1002'],
    );
    assert.ok(state.phoneNumbers.some((n) => n.groupId === support.id));
    assert.ok(!state.users.some((u) => u.id === support.id), 'a group id is an account id no user has');
    assert.ok(
      state.phoneNumbers.filter((n) => n.userId === null && n.groupId === null && n.serviceId === null).length >= 2,
      'spare numbers',
    );
    assert.ok(state.redirects.length >= 1 && state.redirects.every((r) => !r.enabled));
    assert.ok(state.callServices.some((c) => c.name === 'conference'));
    assert.ok(state.contacts.length >= 3 && state.contacts.some((c) => c.tagIds.length > 0));
    const keys = state.functionKeySets[0]!.keys.filter((k) => k.functionKeyType === 'BUSYLAMPFIELD');
    assert.deepEqual(
      keys.map((k) => login(k.blfAccountId ?? null)),
      ['1002', '1003'],
    );
    // The state is what the store writes and reads back.
    assert.deepEqual(PbxStateSchema.parse(JSON.parse(JSON.stringify(state))), JSON.parse(JSON.stringify(state)));
  });

  it('every built-in scenario still builds (broken-rN on top of the demo)', () => {
    for (const name of BUILTIN_NAMES) buildScenarioState(loadScenario(name), { adminPasswordHash: 'x' }, () => {});
  });

  it('a store written before the telephony model loads with empty collections and the defaults', () => {
    const old = JSON.parse(JSON.stringify(emptyState('8.1.0.4', '6.7.3.11'))) as Record<string, unknown>;
    for (const key of [
      'numberBlocks',
      'phoneNumbers',
      'phones',
      'telephonySettings',
      'groups',
      'callServices',
      'redirects',
      'tags',
      'contacts',
      'contactsScheme',
      'functionKeySets',
      'voicemailboxes',
      'conferenceSettings',
      'conferences',
      'fmcPhones',
      'avatars',
    ]) {
      delete old[key];
    }
    old.nextId = { user: 4, licence: 2, module: 2, configuration: 2 };
    const loaded = PbxStateSchema.parse(old);
    assert.deepEqual(loaded.phoneNumbers, []);
    assert.equal(loaded.nextId.phoneNumber, 1);
    assert.equal(loaded.nextId.user, 4);
    assert.ok(loaded.contactsScheme.blocks.length > 0);
    assert.equal(loaded.conferenceSettings.language, 'de');
  });

  it("a user's extension becomes their internal number", () => {
    const state = build(scenario({}));
    const user = state.users.find((u) => u.login === '2001')!;
    assert.deepEqual(
      state.phoneNumbers.map((n) => [n.number, n.type, n.userId, n.serviceId]),
      [['2001', 'INTERNAL', user.id, 1]],
    );
  });

  it('broken references are refused naming the path', () => {
    refused(
      scenario({ phoneNumbers: [{ number: '2010', user: '2999' }] }),
      /phoneNumbers\.0\.user: no user with login "2999"/,
    );
    refused(
      scenario({ phoneNumbers: [{ number: '2010', group: 'Nope' }] }),
      /phoneNumbers\.0\.group: no group named "Nope"/,
    );
    refused(
      scenario({ phoneNumbers: [{ number: '2010', service: 'fax' }] }),
      /phoneNumbers\.0\.service: no call service named "fax"/,
    );
    refused(
      scenario({ phoneNumbers: [{ number: '10', type: 'EXTERNAL', block: '777' }] }),
      /phoneNumbers\.0\.block: no number block 777/,
    );
    refused(
      scenario({ phoneNumbers: [{ number: '2010' }, { number: '2010', user: '2002' }] }),
      /phoneNumbers\.1\.number: 2010 is listed twice/,
    );
    refused(
      scenario({ phoneNumbers: [{ number: '2001', user: '2002' }] }),
      /phoneNumbers\.0\.user: 2001 is the extension of 2001/,
    );
    refused(scenario({ groups: [{ name: 'G' }, { name: 'G' }] }), /groups\.1\.name: the group name "G" is taken/);
    refused(
      scenario({ groups: [{ name: 'G', members: ['2001', '3000'] }] }),
      /groups\.0\.members\.1: no user with login "3000"/,
    );
    refused(
      scenario({ phones: [{ user: '2002', name: 'P', numbers: ['2001'] }] }),
      /phones\.0\.numbers\.0: 2001 is not a number of this account/,
    );
    refused(
      scenario({ redirects: [{ user: '2001', number: '2001', trigger: 'BUSY', to: { mailbox: '9999' } }] }),
      /redirects\.0\.to\.mailbox: no voicemail box 9999/,
    );
    refused(
      scenario({ redirects: [{ user: '2002', number: '2001', trigger: 'ALWAYS', to: { phoneNumber: '1' } }] }),
      /redirects\.0\.number: 2001 is not a number of this account/,
    );
    refused(
      scenario({ contacts: [{ values: { shoeSize: '44' } }] }),
      /contacts\.0\.values\.shoeSize: the contacts scheme has no attribute "shoeSize"/,
    );
    refused(scenario({ contacts: [{ tags: ['VIP'], values: {} }] }), /contacts\.0\.tags\.0: no tag "VIP"/);
    refused(
      scenario({ tags: [{ name: 'Mine', owner: '2002' }], contacts: [{ owner: '2001', tags: ['Mine'], values: {} }] }),
      /contacts\.0\.tags\.0: no tag "Mine"/,
    );
    refused(
      scenario({
        functionKeySets: [
          { user: '2001', name: 'K', keys: [{ functionKeyType: 'BUSYLAMPFIELD', name: 'x', blf: '4711' }] },
        ],
      }),
      /functionKeySets\.0\.keys\.0\.blf: no user with login "4711"/,
    );
    refused(
      scenario({ functionKeySets: [{ user: '2001', name: 'K', phones: ['not mine'] }] }),
      /functionKeySets\.0\.phones\.0: 2001 has no phone named "not mine"/,
    );
    refused(
      scenario({ avatars: [{ user: '2001', mimeType: 'image/png', base64: 'A'.repeat(400_000) }] }),
      /avatars\.0\.base64: must be at most/,
    );
    refused(
      scenario({ conferences: [{ owner: 'ghost', name: 'C', startTime: 0 }] }),
      /conferences\.0\.owner: no user with login "ghost"/,
    );
  });

  it('a scenario file with a bad field is refused by the schema, naming it', () => {
    assert.throws(
      () => parseScenario(scenario({ phoneNumbers: [{ number: '12a' }] }), 'test'),
      /phoneNumbers\.0\.number: must be digits/,
    );
    assert.throws(
      () =>
        parseScenario(
          scenario({ redirects: [{ number: '2001', trigger: 'ALWAYS', to: { phoneNumber: '1' } }] }),
          'test',
        ),
      /redirects\.0\.user: give exactly one of user and group/,
    );
  });

  it('contacts link users through personId, groups and tags resolve, iFMC phones appear among the phones', () => {
    const state = build(
      scenario({
        groups: [{ name: 'Sales', members: ['2002'] }],
        phoneNumbers: [{ number: '2100', group: 'Sales' }],
        voicemailboxes: [{ name: 'Sales', number: '9100', groups: [{ name: 'Sales', sendMail: true }] }],
        redirects: [{ group: 'Sales', number: '2100', trigger: 'TIMEOUT', to: { mailbox: '9100' }, delaySeconds: 15 }],
        tags: [{ name: 'VIP' }],
        contacts: [{ user: '2002', tags: ['VIP'], values: { firstname: 'B' } }],
        fmcPhones: [{ user: '2001', number: '+491701111' }],
      }),
    );
    const b = state.users.find((u) => u.login === '2002')!;
    assert.equal(b.personId, state.contacts[0]!.id);
    assert.equal(state.contacts[0]!.accountId, b.id);
    const sales = state.groups[0]!;
    assert.deepEqual(
      state.redirects.map((r) => [r.accountId, r.trigger, r.target.type, r.delaySeconds]),
      [[sales.id, 'TIMEOUT', 'MAILBOX', 15]],
    );
    const fmc = state.fmcPhones[0]!;
    assert.equal(state.phones.find((p) => p.id === fmc.phoneId)?.kind, 'ifmc');
  });
});
