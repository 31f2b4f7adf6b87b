// Host ↔ webview messages. The types come from the shared zod schemas (shared/schemas/inspector.ts); the checks
// here are hand-written guards with the same rules, so that zod (~60 KB) stays out of the webview bundle.
// test/unit/inspector-store.test.ts checks that the guards agree with HostMessageSchema.
import type { SimEvent } from '../../../shared/schemas/events.js';
import type {
  ConnectionStatus,
  HostMessage,
  InspectorState,
  WebviewMessage,
} from '../../../shared/schemas/inspector.js';

export type { ConnectionStatus, HostMessage, InspectorState, WebviewMessage };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

export function isSimEvent(v: unknown): v is SimEvent {
  return isObj(v) && isInt(v.seq) && v.seq > 0 && isStr(v.time) && isStr(v.service) && isStr(v.event) && isObj(v.data);
}

function isEventArray(v: unknown): v is SimEvent[] {
  if (!Array.isArray(v)) return false;
  for (const e of v) if (!isSimEvent(e)) return false;
  return true;
}

const STATES = new Set(['connecting', 'live', 'reconnecting', 'disconnected']);
function isStatus(v: unknown): v is ConnectionStatus {
  return (
    isObj(v) &&
    isStr(v.state) &&
    STATES.has(v.state) &&
    isStr(v.connection) &&
    (v.detail === undefined || isStr(v.detail)) &&
    (v.retryInMs === undefined || isInt(v.retryInMs))
  );
}

/** True when `v` is a message HostMessageSchema accepts. */
export function isHostMessage(v: unknown): v is HostMessage {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'init':
      return (
        isInt(v.bufferSize) && v.bufferSize > 0 && isStr(v.language) && (v.connection === null || isStr(v.connection))
      );
    case 'events':
      return isEventArray(v.events);
    case 'status':
      return isStatus(v.status);
    case 'gap':
      return (
        isInt(v.afterSeq) &&
        isInt(v.beforeSeq) &&
        typeof v.filled === 'boolean' &&
        (v.uncounted === undefined || typeof v.uncounted === 'boolean')
      );
    case 'loaded':
      return isStr(v.source) && isEventArray(v.events) && isInt(v.skipped);
    case 'clear':
      return true;
    default:
      return false;
  }
}

const VIEWS = new Set(['table', 'call']);
/** True when `v` is a state InspectorStateSchema accepts (a stale or foreign state is ignored). */
export function isInspectorState(v: unknown): v is InspectorState {
  if (!isObj(v) || !isObj(v.filters)) return false;
  const f = v.filters;
  return (
    Array.isArray(f.services) &&
    f.services.every(isStr) &&
    isStr(f.event) &&
    isStr(f.user) &&
    isStr(f.callId) &&
    isStr(f.text) &&
    typeof v.paused === 'boolean' &&
    typeof v.followTail === 'boolean' &&
    (v.selectedSeq === null || isInt(v.selectedSeq)) &&
    isStr(v.view) &&
    VIEWS.has(v.view)
  );
}

export interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: InspectorState): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

/** acquireVsCodeApi may be called once per load; outside VS Code a no-op stand-in. */
export function vscodeApi(): VsCodeApi {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi();
  let state: unknown;
  return { postMessage: () => undefined, getState: () => state, setState: (s) => void (state = s) };
}
