// The per-call view: the states of one call for both parties, as a ladder. Each party has its own UCI call id;
// the other party's events are the call-state events with the same caller and called number whose time span
// overlaps this party's.
import { h } from './dom.js';
import { CALL_SERVICE } from './store.js';
import { type InspectorText, inspectorText } from '../../../shared/inspectorText.js';
import type { SimEvent } from '../../../shared/schemas/events.js';

export interface LadderParty {
  id: string;
  login: string;
  userId: string;
  role: 'caller' | 'callee';
}

export interface LadderStep {
  seq: number;
  time: string;
  timestamp: number;
  party: number; // index into parties
  state: string;
}

export interface Ladder {
  callId: string;
  caller: { number: string; name: string };
  called: { number: string; name: string };
  parties: LadderParty[];
  steps: LadderStep[];
}

const CALLER_STATES = new Set(['REQUESTED', 'PROCEEDING', 'RINGBACK']);
const CALLEE_STATES = new Set(['INCOMING', 'RINGING']);
const MARGIN_MS = 1000;

const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const ts = (e: SimEvent): number => (typeof e.data.timestamp === 'number' ? e.data.timestamp : Date.parse(e.time) || 0);

/** Builds the ladder of `callId` from call-state events (any order, other events ignored); null when unknown. */
export function buildLadder(events: readonly SimEvent[], callId: string): Ladder | null {
  const calls = events.filter((e) => e.service === CALL_SERVICE && typeof e.data.id === 'string');
  const own = calls.filter((e) => e.data.id === callId);
  if (!own.length) return null;
  const first = own[0]!.data;
  const key = `${s(first.callerNumber)}\u0000${s(first.calledNumber)}`;
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of own) {
    lo = Math.min(lo, ts(e));
    hi = Math.max(hi, ts(e));
  }
  const spans = new Map<string, { lo: number; hi: number; events: SimEvent[] }>();
  for (const e of calls) {
    const id = e.data.id as string;
    if (id === callId || `${s(e.data.callerNumber)}\u0000${s(e.data.calledNumber)}` !== key) continue;
    const span = spans.get(id) ?? { lo: Infinity, hi: -Infinity, events: [] };
    span.lo = Math.min(span.lo, ts(e));
    span.hi = Math.max(span.hi, ts(e));
    span.events.push(e);
    spans.set(id, span);
  }
  const groups: SimEvent[][] = [own];
  for (const span of spans.values())
    if (span.lo <= hi + MARGIN_MS && span.hi >= lo - MARGIN_MS) groups.push(span.events);
  const roleOf = (g: SimEvent[]): 'caller' | 'callee' => {
    if (g.some((e) => CALLER_STATES.has(s(e.data.state)))) return 'caller';
    if (g.some((e) => CALLEE_STATES.has(s(e.data.state)))) return 'callee';
    const login = s(g[0]!.data.login);
    return login && login === s(first.callerNumber) ? 'caller' : 'callee';
  };
  const parties = groups.map((g) => ({
    id: s(g[0]!.data.id),
    login: s(g[0]!.data.login),
    userId: s(g[0]!.data.userId),
    role: roleOf(g),
    events: g,
  }));
  parties.sort((a, b) => (a.role === b.role ? 0 : a.role === 'caller' ? -1 : 1));
  const steps: LadderStep[] = [];
  parties.forEach((p, i) => {
    for (const e of p.events)
      steps.push({ seq: e.seq, time: e.time, timestamp: ts(e), party: i, state: s(e.data.state) });
  });
  steps.sort((a, b) => a.seq - b.seq);
  return {
    callId,
    caller: { number: s(first.callerNumber), name: s(first.callerName) },
    called: { number: s(first.calledNumber), name: s(first.calledName) },
    parties: parties.map(({ id, login, userId, role }) => ({ id, login, userId, role })),
    steps,
  };
}

/** Renders the ladder (or a hint) into `host`, as text only, in the language of `texts` (English by default). */
export function renderLadder(
  host: HTMLElement,
  ladder: Ladder | null,
  callId: string,
  onPick: (seq: number) => void,
  texts: InspectorText = inspectorText('en'),
): void {
  const t = texts.t;
  host.replaceChildren();
  if (!ladder) {
    host.append(h('p', { class: 'hint' }, callId ? t('ladderNoEvents', callId) : t('ladderHint', t('showCall'))));
    return;
  }
  const cols = Math.max(2, ladder.parties.length);
  const party = (role: 'caller' | 'callee') => (role === 'caller' ? ladder.caller : ladder.called);
  host.append(
    h(
      'h2',
      { class: 'ladder-title' },
      t('ladderTitle', ladder.caller.number, ladder.caller.name, ladder.called.number, ladder.called.name)
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
  const table = h('div', { class: 'ladder', role: 'table', 'aria-label': t('ladderLabel') });
  table.style.setProperty('--parties', String(cols));
  const head = h(
    'div',
    { class: 'lrow lhead', role: 'row' },
    h('div', { class: 'lcell ltime', role: 'columnheader' }, t('ladderTime')),
  );
  for (let i = 0; i < cols; i++) {
    const p = ladder.parties[i];
    const label = p
      ? t(p.role === 'caller' ? 'ladderCaller' : 'ladderCallee', p.login || p.userId, party(p.role).number)
      : t('ladderCalleeNoEvents', ladder.called.number);
    head.append(
      h('div', { class: 'lcell lparty', role: 'columnheader', title: p ? t('ladderPartyTitle', p.id) : '' }, label),
    );
  }
  table.append(head);
  for (const st of ladder.steps) {
    const row = h(
      'div',
      { class: 'lrow', role: 'row', 'data-seq': st.seq },
      h('div', { class: 'lcell ltime', role: 'cell' }, `${st.time.replace(/^.*T/, '').replace(/Z$/, '')} #${st.seq}`),
    );
    for (let i = 0; i < cols; i++) {
      const cell = h('div', { class: 'lcell lline', role: 'cell' });
      if (i === st.party) {
        const b = h(
          'button',
          { type: 'button', class: `lstate state-${st.state.toLowerCase()}`, title: t('ladderStepTitle', st.seq) },
          st.state,
        );
        b.addEventListener('click', () => onPick(st.seq));
        cell.append(b);
      }
      row.append(cell);
    }
    table.append(row);
  }
  host.append(table);
}
