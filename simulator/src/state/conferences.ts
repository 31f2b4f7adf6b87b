import type {
  ConferenceConfiguration,
  ConferenceConfigurationTexts,
  ManagedConference,
  ManagedConferenceSummary,
} from '../../../shared/schemas/conferences.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import { conflict, forbidden, invalid, notFound } from './errors.js';
import type { PbxState } from './model.js';
import type { Emit } from './pbx.js';
import { CONFERENCE_MAIL_VARIABLES, DEFAULT_CONFERENCE_CONFIGURATION } from './telephonyDefaults.js';
import type { StoredConference } from './telephonyModel.js';
import { findUser } from './users.js';

/*
 * The conference settings of the PBX and the managed conferences of its users. A conference belongs to its
 * owner; a user's list also shows, read-only, the conferences the user takes part in. Starting one makes it
 * active and names the participants to call (the `started` event); the simulator does not call them over SIP.
 */

// ---------------------------------------------------------------------------------------------------- settings

export function toConfigurationDto(state: PbxState): ConferenceConfiguration {
  const s = state.conferenceSettings;
  const dto: ConferenceConfiguration = {
    eMailSubject: s.eMailSubject,
    eMailBody: s.eMailBody,
    language: s.language,
    variables: CONFERENCE_MAIL_VARIABLES.map((v) => ({ ...v })),
  };
  if (s.serverAddress !== null) dto.serverAddress = s.serverAddress;
  if (s.internalNumberId !== null) dto.internalNumberId = s.internalNumberId;
  if (s.externalNumberId !== null) dto.externalNumberId = s.externalNumberId;
  return dto;
}

function dialInNumber(state: PbxState, id: number | undefined, type: 'INTERNAL' | 'EXTERNAL', field: string) {
  if (id === undefined) return null;
  const n = state.phoneNumbers.find((p) => p.id === id);
  if (!n || n.type !== type)
    throw invalid('VALIDATION_FAILED', `${field}: ${id} is no ${type.toLowerCase()} phone number of the PBX`, {
      field,
    });
  return id;
}

/**
 * PUT /conferenceConfiguration?userId=: replaces the settings (an optional field left out is cleared; the
 * variables are fixed, a sent copy is ignored). `userId` is required by the API; it must name a user (404).
 */
export function updateConfiguration(state: PbxState, emit: Emit, userId: number, body: ConferenceConfiguration): void {
  findUser(state, userId);
  const internalNumberId = dialInNumber(state, body.internalNumberId, 'INTERNAL', 'internalNumberId');
  const externalNumberId = dialInNumber(state, body.externalNumberId, 'EXTERNAL', 'externalNumberId');
  state.conferenceSettings = {
    eMailSubject: body.eMailSubject,
    eMailBody: body.eMailBody,
    language: body.language,
    serverAddress: body.serverAddress ?? null,
    internalNumberId,
    externalNumberId,
  };
  emit({ service: SIM_SERVICES.conferences, event: 'configuration-changed', data: { userId } });
}

const DEFAULT_TEXTS: Record<'de' | 'en', ConferenceConfigurationTexts> = {
  de: {
    eMailSubject: DEFAULT_CONFERENCE_CONFIGURATION.eMailSubject,
    eMailBody: DEFAULT_CONFERENCE_CONFIGURATION.eMailBody,
  },
  en: {
    eMailSubject: 'Invitation to the conference call "$CONFERENCE_NAME"',
    eMailBody:
      'You are invited to the conference call "$CONFERENCE_NAME" on $CONFERENCE_DATE at $CONFERENCE_TIME.\nDial-in: $CONFERENCE_NUMBER',
  },
};

/** `de`, `de_DE`, `de-AT` → German; any other locale → English (the PBX ships these two). */
export function defaultTexts(locale: string | undefined): ConferenceConfigurationTexts {
  return { ...DEFAULT_TEXTS[locale?.toLowerCase().startsWith('de') ? 'de' : 'en'] };
}

// ---------------------------------------------------------------------------------------------------- conferences

/** A conference `userId` owns or takes part in; anything else is 404. */
export function findConference(state: PbxState, userId: number, id: number): StoredConference {
  findUser(state, userId);
  const c = state.conferences.find((x) => x.id === id);
  if (!c || (c.ownerUserId !== userId && !c.participants.some((p) => p.userId === userId)))
    throw notFound('Conference', id);
  return c;
}

/** The same, for a change: only the owner's (a participant gets 403). */
function ownConference(state: PbxState, userId: number, id: number): StoredConference {
  const c = findConference(state, userId, id);
  if (c.ownerUserId !== userId)
    throw forbidden(`Conference ${id} belongs to user ${c.ownerUserId}; only they change it`);
  return c;
}

export function toConferenceDto(c: StoredConference): ManagedConference {
  return {
    conferenceId: c.id,
    name: c.name,
    eMailBody: c.eMailBody,
    occurrence: c.occurrence,
    startTime: c.startTime,
    participants: c.participants.map((p) => ({
      participantId: p.id,
      userId: p.userId,
      displayName: p.displayName,
      phoneNumber: p.phoneNumber,
      ...(p.eMailAddress !== null ? { eMailAddress: p.eMailAddress } : {}),
      isModerator: p.isModerator,
      callOnStart: p.callOnStart,
    })),
  };
}

export function toSummaryDto(c: StoredConference, viewerId: number): ManagedConferenceSummary {
  return {
    conferenceId: c.id,
    name: c.name,
    startTime: c.startTime,
    isActive: c.state === 'active',
    isReadonly: c.ownerUserId !== viewerId,
    isTerminated: c.state === 'terminated',
  };
}

export interface ListQuery {
  page?: number;
  pagesize?: number;
  sort?: string;
  sortdirection?: 'ASC' | 'DESC';
}

const SORTS = { conferenceid: 'id', name: 'name', starttime: 'startTime' } as const;

/** GET …/managedConferences: by start time unless `sort` says name or conferenceId; pages count from 0. */
export function listConferences(state: PbxState, userId: number, q: ListQuery): ManagedConferenceSummary[] {
  findUser(state, userId);
  const field = q.sort ? SORTS[q.sort.toLowerCase() as keyof typeof SORTS] : 'startTime';
  if (!field)
    throw invalid('VALIDATION_FAILED', 'query.sort: conferences sort by name, startTime or conferenceId', {
      field: 'query.sort',
    });
  const mine = state.conferences.filter(
    (c) => c.ownerUserId === userId || c.participants.some((p) => p.userId === userId),
  );
  const key = (c: StoredConference) => (field === 'name' ? c.name.toLowerCase() : c[field]);
  mine.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id));
  if (q.sortdirection === 'DESC') mine.reverse();
  const pagesize = q.pagesize ?? Math.max(mine.length, 1);
  const page = q.page ?? 0;
  return mine.slice(page * pagesize, (page + 1) * pagesize).map((c) => toSummaryDto(c, userId));
}

function checkName(state: PbxState, ownerUserId: number, name: string, selfId?: number): string {
  const trimmed = name.trim();
  if (!trimmed) throw invalid('VALIDATION_FAILED', 'name: a conference needs a name', { field: 'name' });
  if (state.conferences.some((c) => c.id !== selfId && c.ownerUserId === ownerUserId && c.name === trimmed))
    throw conflict('CONFERENCE_NAME_TAKEN', `User ${ownerUserId} has a conference "${trimmed}" already`, {
      field: 'name',
    });
  return trimmed;
}

/**
 * The participants of a body: `userId` 0 is someone outside the PBX, anything else must be a user (400). A
 * `participantId` of this conference keeps its id; the others get new ones.
 */
function participantsOf(state: PbxState, body: ManagedConference, existing: StoredConference | undefined) {
  const known = new Set(existing?.participants.map((p) => p.id));
  return (body.participants ?? []).map((p, i) => {
    if (p.userId !== 0 && !state.users.some((u) => u.id === p.userId))
      throw invalid(
        'VALIDATION_FAILED',
        `participants.${i}.userId: no user ${p.userId} (0 for an outside participant)`,
        {
          field: `participants.${i}.userId`,
        },
      );
    if (!p.phoneNumber.trim() && p.userId === 0)
      throw invalid('VALIDATION_FAILED', `participants.${i}.phoneNumber: an outside participant needs a number`, {
        field: `participants.${i}.phoneNumber`,
      });
    const id =
      p.participantId !== undefined && known.has(p.participantId) ? p.participantId : state.nextId.participant++;
    known.delete(id);
    return {
      id,
      userId: p.userId,
      displayName: p.displayName,
      phoneNumber: p.phoneNumber,
      eMailAddress: p.eMailAddress ?? null,
      isModerator: p.isModerator,
      callOnStart: p.callOnStart,
    };
  });
}

function checkStartTime(startTime: number): number {
  if (startTime < 0)
    throw invalid('VALIDATION_FAILED', 'startTime: milliseconds since 1970, not negative', { field: 'startTime' });
  return startTime;
}

export function createConference(
  state: PbxState,
  emit: Emit,
  ownerUserId: number,
  body: ManagedConference,
): StoredConference {
  findUser(state, ownerUserId);
  const c: StoredConference = {
    id: state.nextId.conference++,
    ownerUserId,
    name: checkName(state, ownerUserId, body.name),
    eMailBody: body.eMailBody,
    occurrence: body.occurrence,
    startTime: checkStartTime(body.startTime),
    state: 'planned',
    participants: [],
  };
  c.participants = participantsOf(state, body, undefined);
  state.conferences.push(c);
  emit({ service: SIM_SERVICES.conferences, event: 'created', data: { conferenceId: c.id, ownerUserId } });
  return c;
}

/** PUT: everything but its id and state is replaced; a terminated conference is history (409). */
export function updateConference(
  state: PbxState,
  emit: Emit,
  ownerUserId: number,
  id: number,
  body: ManagedConference,
): void {
  const c = ownConference(state, ownerUserId, id);
  if (c.state === 'terminated') throw conflict('CONFERENCE_TERMINATED', `Conference ${id} has ended`);
  c.name = checkName(state, ownerUserId, body.name, id);
  c.eMailBody = body.eMailBody;
  c.occurrence = body.occurrence;
  c.startTime = checkStartTime(body.startTime);
  c.participants = participantsOf(state, body, c);
  emit({ service: SIM_SERVICES.conferences, event: 'updated', data: { conferenceId: id, ownerUserId } });
}

export function deleteConference(state: PbxState, emit: Emit, ownerUserId: number, id: number): void {
  const c = ownConference(state, ownerUserId, id);
  state.conferences = state.conferences.filter((x) => x !== c);
  emit({
    service: SIM_SERVICES.conferences,
    event: 'deleted',
    data: { conferenceId: id, ownerUserId, wasActive: c.state === 'active' },
  });
}

/**
 * PUT …/start: a planned conference becomes active at once, whatever its start time; the `started` event
 * names the phone it is started from and the participants marked `callOnStart` (the PBX would call them).
 * Starting an active one again changes nothing (204, no event): a client retrying is not refused. A terminated
 * one cannot start (400, documented). `phoneName` must name one of the owner's phones (400).
 */
export function startConference(
  state: PbxState,
  emit: Emit,
  ownerUserId: number,
  id: number,
  phoneName: string | undefined,
): void {
  const c = ownConference(state, ownerUserId, id);
  if (c.state === 'terminated') throw invalid('CONFERENCE_TERMINATED', `Conference ${id} has ended and cannot start`);
  if (phoneName !== undefined && !state.phones.some((p) => p.userId === ownerUserId && p.name === phoneName))
    throw invalid('VALIDATION_FAILED', `query.phoneName: user ${ownerUserId} has no phone "${phoneName}"`, {
      field: 'query.phoneName',
    });
  if (c.state === 'active') return;
  c.state = 'active';
  emit({
    service: SIM_SERVICES.conferences,
    event: 'started',
    data: {
      conferenceId: id,
      ownerUserId,
      phoneName: phoneName ?? null,
      calls: c.participants.filter((p) => p.callOnStart).map((p) => p.id),
    },
  });
}
