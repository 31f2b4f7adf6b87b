import type { Scenario } from '../../../shared/schemas/scenario.js';
import type { PbxState, StoredUser } from '../state/model.js';
import { fullNumber } from '../state/numberFormat.js';
import { TELEPHONY_SERVICE } from '../state/telephonyDefaults.js';
import {
  StoredAvatarSchema,
  type StoredFunctionKey,
  type StoredGroup,
  type StoredPhone,
  type StoredPhoneNumber,
  type StoredVoicemailbox,
} from '../state/telephonyModel.js';

/** Reports a broken reference at a path of the scenario, e.g. `phoneNumbers.3.user`. */
export type Fail = (path: (string | number)[], message: string) => never;

/**
 * Builds the telephony sections of a scenario into a state that already holds its users. References are
 * resolved through maps (a scenario of 1,000 users, 3,000 numbers and 10,000 contacts stays linear), and each
 * rule the REST API will enforce — a number has one owner, names are unique, a redirect only for a number
 * of its account — is checked here, so a scenario cannot build what the API would refuse.
 */
export function buildTelephony(state: PbxState, s: Scenario, fail: Fail): void {
  const users = new Map<string, StoredUser>(state.users.map((u) => [u.login, u]));
  const user = (login: string, path: (string | number)[]): StoredUser =>
    users.get(login) ?? fail(path, `no user with login "${login}"`);

  // Call services: the built-in telephony first, so that it is service 1 on every PBX.
  const services = new Map<string, number>();
  [TELEPHONY_SERVICE, ...s.callServices].forEach((c, i) => {
    if (services.has(c.name)) fail(['callServices', i - 1, 'name'], `the call service "${c.name}" exists already`);
    const id = state.nextId.callService++;
    state.callServices.push({ id, name: c.name, label: c.label, type: c.type });
    services.set(c.name, id);
  });
  const service = (name: string, path: (string | number)[]): number =>
    services.get(name) ?? fail(path, `no call service named "${name}"`);

  const blocks = new Map<string, number>();
  s.numberBlocks.forEach((b, i) => {
    if (blocks.has(b.baseNumber))
      fail(['numberBlocks', i, 'baseNumber'], `the number block ${b.baseNumber} is listed twice`);
    const id = state.nextId.numberBlock++;
    state.numberBlocks.push({ id, ...b });
    blocks.set(b.baseNumber, id);
  });

  // Groups are accounts: their ids come from the users' counter, so an account id names one of either.
  const groups = new Map<string, StoredGroup>();
  const groupIds = new Set<string>();
  s.groups.forEach((g, i) => {
    if (groups.has(g.name)) fail(['groups', i, 'name'], `the group name "${g.name}" is taken`);
    const groupId = g.groupId ?? g.name.toLowerCase();
    if (groupIds.has(groupId)) fail(['groups', i, 'groupId'], `the group id "${groupId}" is taken`);
    const members = new Set<number>();
    g.members.forEach((login, j) => {
      const id = user(login, ['groups', i, 'members', j]).id;
      if (members.has(id)) fail(['groups', i, 'members', j], `${login} is listed twice`);
      members.add(id);
    });
    const group: StoredGroup = {
      id: state.nextId.user++,
      groupId,
      name: g.name,
      chatGroup: g.chatGroup,
      voicemail: g.voicemail,
      members: [...members].map((userId) => ({ userId, loggedIn: true })),
    };
    state.groups.push(group);
    groups.set(g.name, group);
    groupIds.add(groupId);
  });
  const group = (name: string, path: (string | number)[]): StoredGroup =>
    groups.get(name) ?? fail(path, `no group named "${name}"`);

  // Numbers: those listed, then each user's extension that is not listed.
  const numbers = new Map<string, StoredPhoneNumber>();
  const numberKey = (type: string, digits: string, blockId: number | null) => `${type}:${blockId ?? ''}:${digits}`;
  const extensionOwner = new Map<string, StoredUser>();
  for (const u of state.users) if (u.extension !== undefined) extensionOwner.set(u.extension, u);
  s.phoneNumbers.forEach((n, i) => {
    const path = ['phoneNumbers', i];
    let blockId: number | null = null;
    if (n.type === 'EXTERNAL') {
      if (n.block === undefined) fail([...path, 'block'], 'an EXTERNAL number needs the baseNumber of its block');
      blockId = blocks.get(n.block) ?? fail([...path, 'block'], `no number block ${n.block}`);
    } else if (n.block !== undefined) fail([...path, 'block'], `only EXTERNAL numbers belong to a block`);
    const key = numberKey(n.type, n.number, blockId);
    if (numbers.has(key)) fail([...path, 'number'], `${n.number} is listed twice`);
    const owner = n.user !== undefined ? user(n.user, [...path, 'user']) : undefined;
    const extOwner = n.type === 'INTERNAL' ? extensionOwner.get(n.number) : undefined;
    if (extOwner && extOwner !== owner)
      fail([...path, 'user'], `${n.number} is the extension of ${extOwner.login} and can only be theirs`);
    const groupId = n.group !== undefined ? group(n.group, [...path, 'group']).id : null;
    const serviceId =
      n.service !== undefined
        ? service(n.service, [...path, 'service'])
        : owner || groupId
          ? services.get(TELEPHONY_SERVICE.name)!
          : null;
    const record: StoredPhoneNumber = {
      id: state.nextId.phoneNumber++,
      type: n.type,
      number: n.number,
      numberBlockId: blockId,
      userId: owner?.id ?? null,
      groupId,
      serviceId,
      moduleInstanceId: null,
    };
    state.phoneNumbers.push(record);
    numbers.set(key, record);
  });
  for (const [extension, u] of extensionOwner) {
    const key = numberKey('INTERNAL', extension, null);
    if (numbers.has(key)) continue;
    const record: StoredPhoneNumber = {
      id: state.nextId.phoneNumber++,
      type: 'INTERNAL',
      number: extension,
      numberBlockId: null,
      userId: u.id,
      groupId: null,
      serviceId: services.get(TELEPHONY_SERVICE.name)!,
      moduleInstanceId: null,
    };
    state.phoneNumbers.push(record);
    numbers.set(key, record);
  }
  const byOwner = new Map<number, StoredPhoneNumber[]>();
  for (const n of state.phoneNumbers) {
    const account = n.userId ?? n.groupId;
    if (account === null) continue;
    const list = byOwner.get(account);
    if (list) list.push(n);
    else byOwner.set(account, [n]);
  }
  /** A number of an account, by its digits (internal before external). */
  const numberOf = (accountId: number, digits: string, path: (string | number)[]): StoredPhoneNumber =>
    (byOwner.get(accountId) ?? []).find((n) => n.number === digits || fullNumber(state, n) === digits) ??
    fail(path, `${digits} is not a number of this account`);
  const anyNumber = (digits: string, path: (string | number)[]): StoredPhoneNumber =>
    state.phoneNumbers.find((n) => n.number === digits || fullNumber(state, n) === digits) ??
    fail(path, `no phone number ${digits}`);

  // Phones: names are unique on the PBX (they name devices).
  const phonesByName = new Map<string, StoredPhone>();
  s.phones.forEach((p, i) => {
    const owner = user(p.user, ['phones', i, 'user']);
    if (phonesByName.has(p.name)) fail(['phones', i, 'name'], `the phone name "${p.name}" is taken`);
    const own =
      p.numbers === undefined
        ? (byOwner.get(owner.id) ?? [])
        : p.numbers.map((d, j) => numberOf(owner.id, d, ['phones', i, 'numbers', j]));
    const phone: StoredPhone = {
      id: state.nextId.phone++,
      userId: owner.id,
      name: p.name,
      kind: 'sip',
      active: p.active,
      numbers: own.map((n) => ({ phoneNumberId: n.id, active: true })),
    };
    state.phones.push(phone);
    phonesByName.set(p.name, phone);
  });

  const mailboxes = new Map<string, StoredVoicemailbox>();
  s.voicemailboxes.forEach((v, i) => {
    if (mailboxes.has(v.number)) fail(['voicemailboxes', i, 'number'], `the voicemail box number ${v.number} is taken`);
    const box: StoredVoicemailbox = {
      id: state.nextId.voicemailbox++,
      name: v.name,
      number: v.number,
      pin: v.pin,
      maximumDurationSeconds: v.maximumDurationSeconds,
      noRecord: v.noRecord,
      users: v.users.map((u, j) => ({
        userId: user(u.login, ['voicemailboxes', i, 'users', j, 'login']).id,
        sendMail: u.sendMail,
      })),
      groups: v.groups.map((g, j) => ({
        groupId: group(g.name, ['voicemailboxes', i, 'groups', j, 'name']).id,
        sendMail: g.sendMail,
      })),
      messages: v.messages.map((m) => ({
        id: String(state.nextId.voicemailMessage++),
        caller: m.caller,
        receivedAt: m.receivedAt ?? new Date().toISOString(),
        durationSeconds: m.durationSeconds,
        read: m.read,
      })),
    };
    state.voicemailboxes.push(box);
    mailboxes.set(v.number, box);
  });

  const redirectKeys = new Set<string>();
  s.redirects.forEach((r, i) => {
    const path = ['redirects', i];
    const accountId =
      r.user !== undefined ? user(r.user, [...path, 'user']).id : group(r.group!, [...path, 'group']).id;
    const number = numberOf(accountId, r.number, [...path, 'number']);
    const key = `${accountId}:${number.id}:${r.trigger}`;
    if (redirectKeys.has(key)) fail([...path, 'trigger'], `a ${r.trigger} redirect of ${r.number} is listed twice`);
    redirectKeys.add(key);
    const target =
      'mailbox' in r.to
        ? {
            type: 'MAILBOX' as const,
            voicemailboxId: (
              mailboxes.get(r.to.mailbox) ?? fail([...path, 'to', 'mailbox'], `no voicemail box ${r.to.mailbox}`)
            ).id,
          }
        : { type: 'PHONENUMBER' as const, phoneNumber: r.to.phoneNumber };
    state.redirects.push({
      id: String(state.nextId.redirect++),
      accountId,
      phoneNumberId: number.id,
      trigger: r.trigger,
      enabled: r.enabled,
      target,
      lastPhoneNumber: target.type === 'PHONENUMBER' ? target.phoneNumber : null,
      lastVoicemailboxId: target.type === 'MAILBOX' ? target.voicemailboxId : null,
      delaySeconds: r.delaySeconds,
    });
  });

  buildAddressBook(state, s, fail, user);
  buildFunctionKeys(state, s, fail, user, group, phonesByName);

  if (s.conferenceSettings) {
    const c = s.conferenceSettings;
    const settings = state.conferenceSettings;
    if (c.eMailSubject !== undefined) settings.eMailSubject = c.eMailSubject;
    if (c.eMailBody !== undefined) settings.eMailBody = c.eMailBody;
    if (c.language !== undefined) settings.language = c.language;
    if (c.serverAddress !== undefined) settings.serverAddress = c.serverAddress;
    if (c.internalNumber !== undefined)
      settings.internalNumberId = anyNumber(c.internalNumber, ['conferenceSettings', 'internalNumber']).id;
    if (c.externalNumber !== undefined)
      settings.externalNumberId = anyNumber(c.externalNumber, ['conferenceSettings', 'externalNumber']).id;
  }
  s.conferences.forEach((c, i) => {
    state.conferences.push({
      id: state.nextId.conference++,
      ownerUserId: user(c.owner, ['conferences', i, 'owner']).id,
      name: c.name,
      eMailBody: c.eMailBody,
      occurrence: c.occurrence,
      startTime: typeof c.startTime === 'number' ? c.startTime : Date.parse(c.startTime),
      state: 'planned',
      participants: c.participants.map((p, j) => ({
        id: state.nextId.participant++,
        userId: p.login !== undefined ? user(p.login, ['conferences', i, 'participants', j, 'login']).id : 0,
        displayName: p.displayName,
        phoneNumber: p.phoneNumber,
        eMailAddress: p.eMailAddress ?? null,
        isModerator: p.isModerator,
        callOnStart: p.callOnStart,
      })),
    });
  });

  s.fmcPhones.forEach((f, i) => {
    const owner = user(f.user, ['fmcPhones', i, 'user']);
    const phone: StoredPhone = {
      id: state.nextId.phone++,
      userId: owner.id,
      name: `iFMC ${f.number}`,
      kind: 'ifmc',
      active: f.active,
      numbers: (byOwner.get(owner.id) ?? []).map((n) => ({ phoneNumberId: n.id, active: true })),
    };
    if (phonesByName.has(phone.name)) fail(['fmcPhones', i, 'number'], `${f.number} is listed twice`);
    state.phones.push(phone);
    phonesByName.set(phone.name, phone);
    state.fmcPhones.push({
      id: String(state.nextId.fmcPhone++),
      userId: owner.id,
      phoneId: phone.id,
      number: f.number,
      active: f.active,
      confirm: f.confirm,
      delaySeconds: f.delaySeconds,
      schedule: f.schedule.map((t) => ({ ...t })),
    });
  });

  const withAvatar = new Set<number>();
  s.avatars.forEach((a, i) => {
    const owner = user(a.user, ['avatars', i, 'user']);
    if (withAvatar.has(owner.id)) fail(['avatars', i, 'user'], `${a.user} has an avatar already`);
    const parsed = StoredAvatarSchema.safeParse({ userId: owner.id, mimeType: a.mimeType, base64: a.base64 });
    if (!parsed.success) fail(['avatars', i, 'base64'], parsed.error.issues[0]!.message);
    withAvatar.add(owner.id);
    state.avatars.push(parsed.data);
  });

  // PhoneConfig / PhoneNumberConfig of each user with a phone or a number; the others keep the defaults.
  const phonesOf = new Map<number, StoredPhone[]>();
  for (const p of state.phones) {
    const list = phonesOf.get(p.userId);
    if (list) list.push(p);
    else phonesOf.set(p.userId, [p]);
  }
  for (const u of state.users) {
    const own = (byOwner.get(u.id) ?? []).filter((n) => n.userId === u.id);
    const phones = phonesOf.get(u.id) ?? [];
    if (!own.length && !phones.length) continue;
    const internal = own.find((n) => n.type === 'INTERNAL')?.id ?? null;
    const external = own.find((n) => n.type === 'EXTERNAL')?.id ?? null;
    state.telephonySettings.push({
      userId: u.id,
      callWaiting: true,
      primaryPhoneId: phones.find((p) => p.kind === 'sip')?.id ?? phones[0]?.id ?? null,
      displayNumberId: external ?? internal,
      primaryInternalNumberId: internal,
      primaryExternalNumberId: external,
      signalingNumberId: external ?? internal,
    });
  }
}

function buildAddressBook(
  state: PbxState,
  s: Scenario,
  fail: Fail,
  user: (login: string, path: (string | number)[]) => StoredUser,
): void {
  if (s.contactsScheme) {
    const names = new Set<string>();
    s.contactsScheme.blocks.forEach((b, i) =>
      b.attributes.forEach((a, j) => {
        if (names.has(a.name))
          fail(['contactsScheme', 'blocks', i, 'attributes', j, 'name'], `the attribute "${a.name}" is defined twice`);
        names.add(a.name);
      }),
    );
    for (const list of ['summary', 'phoneNumbers'] as const) {
      s.contactsScheme[list].forEach(
        (name, i) => names.has(name) || fail(['contactsScheme', list, i], `no attribute "${name}" in the blocks`),
      );
    }
    state.contactsScheme = structuredClone(s.contactsScheme);
  }
  const attributes = new Set(state.contactsScheme.blocks.flatMap((b) => b.attributes.map((a) => a.name)));

  // A tag is visible to the address book it belongs to: the central one (owner null) or one user's.
  const tags = new Map<string, string>();
  const tagKey = (owner: number | null, name: string) => `${owner ?? ''}:${name}`;
  s.tags.forEach((t, i) => {
    const owner = t.owner !== undefined ? user(t.owner, ['tags', i, 'owner']).id : null;
    if (tags.has(tagKey(owner, t.name)))
      fail(['tags', i, 'name'], `the tag "${t.name}" exists already in this address book`);
    const id = String(state.nextId.tag++);
    state.tags.push({ id, name: t.name, alias: t.alias ?? null, ownerUserId: owner });
    tags.set(tagKey(owner, t.name), id);
  });

  const linked = new Set<number>();
  s.contacts.forEach((c, i) => {
    const owner = c.owner !== undefined ? user(c.owner, ['contacts', i, 'owner']).id : null;
    for (const name of Object.keys(c.values))
      if (!attributes.has(name))
        fail(['contacts', i, 'values', name], `the contacts scheme has no attribute "${name}"`);
    const tagIds = c.tags.map(
      (name, j) =>
        tags.get(tagKey(owner, name)) ??
        tags.get(tagKey(null, name)) ??
        fail(['contacts', i, 'tags', j], `no tag "${name}" in this address book`),
    );
    const id = String(state.nextId.contact++);
    let accountId: number | null = null;
    if (c.user !== undefined) {
      const u = user(c.user, ['contacts', i, 'user']);
      if (linked.has(u.id)) fail(['contacts', i, 'user'], `${c.user} is linked to another contact already`);
      linked.add(u.id);
      u.personId = id;
      accountId = u.id;
    }
    state.contacts.push({
      id,
      ownerUserId: owner,
      accountId,
      editable: c.editable,
      tagIds: [...new Set(tagIds)],
      values: { ...c.values },
    });
  });
}

function buildFunctionKeys(
  state: PbxState,
  s: Scenario,
  fail: Fail,
  user: (login: string, path: (string | number)[]) => StoredUser,
  group: (name: string, path: (string | number)[]) => StoredGroup,
  phonesByName: Map<string, StoredPhone>,
): void {
  s.functionKeySets.forEach((set, i) => {
    const owner = user(set.user, ['functionKeySets', i, 'user']);
    const phoneIds = set.phones.map((name, j) => {
      const phone = phonesByName.get(name);
      if (!phone || phone.userId !== owner.id)
        fail(['functionKeySets', i, 'phones', j], `${set.user} has no phone named "${name}"`);
      return phone.id;
    });
    const keys = set.keys.map((k, j): StoredFunctionKey => {
      const path = ['functionKeySets', i, 'keys', j];
      const { blf, groups, ...fields } = k;
      const key: StoredFunctionKey = { ...fields, id: String(state.nextId.functionKey++), position: j };
      if (k.functionKeyType === 'BUSYLAMPFIELD') {
        if (blf === undefined) fail([...path, 'blf'], 'a BUSYLAMPFIELD key needs the login it shows');
        key.blfAccountId = user(blf, [...path, 'blf']).id;
      } else if (blf !== undefined) fail([...path, 'blf'], 'only a BUSYLAMPFIELD key watches a login');
      if (groups !== undefined) key.groupIds = groups.map((name, g) => group(name, [...path, 'groups', g]).id);
      return key;
    });
    state.functionKeySets.push({
      id: String(state.nextId.functionKeySet++),
      userId: owner.id,
      name: set.name,
      phoneIds,
      keys,
    });
  });
}
