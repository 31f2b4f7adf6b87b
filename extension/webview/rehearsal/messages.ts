// Host ↔ webview messages of the Teams App rehearsal. The types come from the shared zod schemas
// (shared/schemas/teamsRehearsal.ts); the checks here are hand-written guards with the same rules, so that zod stays
// out of the webview bundle. test/unit/teams-rehearsal.test.ts checks that they agree with the schema.
import type { CallStateName } from '../../../shared/schemas/calls.js';
import type { RehearsalHostMessage, RehearsalWebviewMessage } from '../../../shared/schemas/teamsRehearsal.js';

export type { RehearsalHostMessage, RehearsalWebviewMessage };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const str = (v: unknown, max = 2000): v is string => typeof v === 'string' && v.length <= max;
const bool = (v: unknown): v is boolean => typeof v === 'boolean';
const arr = (v: unknown, max: number, each: (e: unknown) => boolean): boolean =>
  Array.isArray(v) && v.length <= max && v.every(each);
// Every call state once (the Record's type makes the compiler check it against CALL_STATES); not imported as a
// value, which would bring zod into the bundle.
const STATE_NAMES: Record<CallStateName, true> = {
  REQUESTED: true,
  PROCEEDING: true,
  RINGBACK: true,
  INCOMING: true,
  RINGING: true,
  CONNECTED: true,
  HANGUP: true,
  PARKED: true,
};
const STATES = new Set<string>(Object.keys(STATE_NAMES));

const isRequirement = (v: unknown): boolean =>
  isObj(v) &&
  str(v.id, 8) &&
  str(v.title) &&
  str(v.message) &&
  str(v.guide) &&
  arr(v.fixes, 20, (f) => isObj(f) && isInt(f.index) && f.index >= 0 && str(f.title));

const isCall = (v: unknown): boolean =>
  isObj(v) &&
  str(v.id, 128) &&
  str(v.state) &&
  STATES.has(v.state) &&
  bool(v.incoming) &&
  str(v.number, 100) &&
  str(v.name);

const isJournalEntry = (v: unknown): boolean =>
  isObj(v) &&
  str(v.id, 128) &&
  str(v.time, 40) &&
  bool(v.incoming) &&
  bool(v.missed) &&
  str(v.number, 100) &&
  str(v.name) &&
  isInt(v.durationSec) &&
  v.durationSec >= 0;

/** True when `v` is a message RehearsalHostMessageSchema accepts. */
export function isRehearsalHostMessage(v: unknown): v is RehearsalHostMessage {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'init':
      return (
        str(v.language, 35) &&
        (v.connection === null || str(v.connection, 200)) &&
        bool(v.simulator) &&
        str(v.pbxName, 253) &&
        str(v.login, 64)
      );
    case 'refused':
      return str(v.login, 64) && str(v.summary) && arr(v.requirements, 50, isRequirement);
    case 'signedIn':
      return str(v.login, 64) && str(v.name) && str(v.pbxName, 253) && bool(v.rehearsed);
    case 'presence':
      return (
        isObj(v.presence) &&
        str(v.presence.chatPresence, 40) &&
        str(v.presence.telephonyState, 40) &&
        str(v.presence.message)
      );
    case 'call':
      return isCall(v.call);
    case 'journal':
      return arr(v.entries, 200, isJournalEntry) && isInt(v.total);
    case 'contacts':
      return str(v.query, 100) && arr(v.contacts, 50, (c) => isObj(c) && str(c.name) && str(c.number, 100));
    case 'error':
      return str(v.message);
    case 'signedOut':
      return true;
    default:
      return false;
  }
}

export interface VsCodeApi {
  postMessage(message: RehearsalWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** acquireVsCodeApi may be called once per load; outside VS Code a no-op stand-in. */
export function vscodeApi(): VsCodeApi {
  // Not declared globally: the inspector's bundle declares it with its own message types.
  const acquire = (globalThis as { acquireVsCodeApi?: () => VsCodeApi }).acquireVsCodeApi;
  if (typeof acquire === 'function') return acquire();
  let state: unknown;
  return { postMessage: () => undefined, getState: () => state, setState: (s) => void (state = s) };
}
