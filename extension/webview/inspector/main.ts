// Entry of the "STARFACE Events" webview. Talks to the extension host only through postMessage (the contract is
// shared/schemas/inspector.ts); never sees a credential; renders every value as text.
import { DetailPane, pretty } from './detail.js';
import { h } from './dom.js';
import { FilterBar } from './filters.js';
import { buildLadder, renderLadder } from './ladder.js';
import { type ConnectionStatus, type HostMessage, type InspectorState, isHostMessage, isInspectorState, vscodeApi, type WebviewMessage } from './messages.js';
import { DEFAULT_BUFFER, EMPTY_FILTERS, EventStore, type Filters } from './store.js';
import { VirtualTable } from './table.js';
import type { SimEvent } from '../../../shared/schemas/events.js';

const LADDER_INTERVAL_MS = 250;
const DATA_FRAME_MS = 100;

const api = vscodeApi();
const post = (m: WebviewMessage) => api.postMessage(m);

const saved = api.getState();
const state: InspectorState = isInspectorState(saved)
  ? saved
  : { filters: { ...EMPTY_FILTERS }, paused: false, followTail: true, selectedSeq: null, view: 'table' };

const store = new EventStore(DEFAULT_BUFFER);
store.setFilters(state.filters);
let pending: SimEvent[] = []; // arrived while paused
let pendingCount = 0;
let source: string | null = null; // a loaded file: live events are not shown
let status: ConnectionStatus | null = null;
let connection: string | null = null;
const gaps = new Map<number, string>();
let selected: SimEvent | null = null;

// ---- layout ---------------------------------------------------------------------------------------------------
const statusEl = h('span', { class: 'status state-connecting', role: 'status', 'aria-live': 'polite' }, 'Waiting for the extension…');
const button = (cls: string, label: string, title: string) => h('button', { type: 'button', class: cls, title }, label);
const pauseBtn = button('pause', 'Pause', 'Pause: new events are counted and shown on resume');
const clearBtn = button('clear', 'Clear', 'Remove every event');
const followBox = h('input', { type: 'checkbox', class: 'follow' });
const followLabel = h('label', { class: 'follow-label' }, followBox, 'Follow tail');
const exportAllBtn = button('export-all', 'Export all', 'Save every event as JSON Lines');
const exportFilteredBtn = button('export-filtered', 'Export filtered', 'Save the rows shown as JSON Lines');
const openBtn = button('open-file', 'Open file…', 'Open a JSON Lines recording or export');
const reconnectBtn = button('reconnect', 'Reconnect', 'Connect again now');
const tableViewBtn = button('view-table', 'Table', 'All events');
const callViewBtn = button('view-call', 'Call', 'The states of one call for both parties');
const toolbar = h(
  'div',
  { class: 'toolbar', role: 'toolbar', 'aria-label': 'Event inspector' },
  statusEl,
  reconnectBtn,
  h('span', { class: 'sep' }),
  pauseBtn,
  clearBtn,
  followLabel,
  h('span', { class: 'sep' }),
  tableViewBtn,
  callViewBtn,
  h('span', { class: 'sep' }),
  exportAllBtn,
  exportFilteredBtn,
  openBtn,
);
const filterBar = new FilterBar((f) => setFilters(f));
const banner = h('div', { class: 'banner', role: 'status', 'aria-live': 'polite', hidden: true });
const table = new VirtualTable(
  store,
  {
    onSelect: (seq) => {
      state.selectedSeq = seq;
      dirty.detail = dirty.state = true;
      schedule();
    },
    onFollowChange: (follow) => {
      state.followTail = follow;
      dirty.toolbar = dirty.state = true;
      schedule();
    },
    onActivate: (e) => detail.show(e),
    gapBefore: (seq) => gaps.get(seq),
  },
  () => schedule(),
);
const ladderHost = h('div', { class: 'call-view', role: 'region', 'aria-label': 'Call' });
const detail = new DetailPane({
  copy: (e) => post({ type: 'copy', text: pretty(e) }),
  showCall: (id) => {
    filterBar.set({ ...state.filters, callId: id });
    setFilters(filterBar.value);
    setView('call');
  },
});
const left = h('div', { class: 'left' }, table.element, ladderHost);
const root = h('div', { class: 'app' }, toolbar, filterBar.element, banner, h('div', { class: 'main' }, left, detail.element));
(document.getElementById('inspector') ?? document.body).append(root);

// ---- state and drawing -----------------------------------------------------------------------------------------
const dirty = { rows: true, toolbar: true, detail: true, ladder: true, state: false, banner: true };
let frame = 0;
let lastLadder = 0;
let ladderTimer: ReturnType<typeof setTimeout> | undefined;
let dataTimer: ReturnType<typeof setTimeout> | undefined;
let lastDraw = 0;

function schedule(): void {
  if (!frame) frame = requestAnimationFrame(draw);
}

/** New rows only: at most one redraw per DATA_FRAME_MS, so a fast stream costs a few layouts a second. */
function scheduleData(): void {
  if (frame || dataTimer) return;
  const wait = lastDraw + DATA_FRAME_MS - performance.now();
  if (wait <= 0) schedule();
  else
    dataTimer = setTimeout(() => {
      dataTimer = undefined;
      schedule();
    }, wait);
}

function draw(): void {
  frame = 0;
  lastDraw = performance.now();
  table.render();
  filterBar.setCount(store.filteredSize, store.size);
  filterBar.setServices(store.services);
  if (dirty.toolbar) drawToolbar();
  if (dirty.banner) drawBanner();
  if (dirty.detail) {
    dirty.detail = false;
    if (state.selectedSeq === null) selected = null;
    else if (selected?.seq !== state.selectedSeq) {
      const i = store.rowIndexOfSeq(state.selectedSeq);
      selected = i >= 0 ? (store.row(i) ?? null) : null;
    }
    detail.show(selected);
  }
  if (dirty.ladder && state.view === 'call') {
    const wait = lastLadder + LADDER_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      dirty.ladder = false;
      lastLadder = performance.now();
      const id = state.filters.callId.trim() || (selected ? String(selected.data.id ?? '') : '');
      renderLadder(ladderHost, id ? buildLadder(store.callEvents(), id) : null, id, (seq) => selectSeq(seq));
    } else if (!ladderTimer) {
      ladderTimer = setTimeout(() => {
        ladderTimer = undefined;
        schedule();
      }, wait);
    }
  }
  if (dirty.state) {
    dirty.state = false;
    api.setState({ ...state, filters: { ...state.filters, services: [...state.filters.services] } });
  }
}

function drawToolbar(): void {
  dirty.toolbar = false;
  pauseBtn.textContent = state.paused ? 'Resume' : 'Pause';
  pauseBtn.setAttribute('aria-pressed', String(state.paused));
  followBox.checked = state.followTail;
  tableViewBtn.setAttribute('aria-pressed', String(state.view === 'table'));
  callViewBtn.setAttribute('aria-pressed', String(state.view === 'call'));
  table.element.hidden = state.view !== 'table';
  ladderHost.hidden = state.view !== 'call';
  const st = status?.state ?? 'connecting';
  statusEl.className = `status state-${source ? 'file' : st}`;
  let text: string;
  if (source) text = `File: ${source}`;
  else if (!status) text = connection ? `${connection}: connecting…` : 'Waiting for the extension…';
  else {
    text = `${status.connection}: ${st}`;
    if (status.retryInMs !== undefined && st !== 'live') text += ` (retry in ${Math.ceil(status.retryInMs / 1000)} s)`;
    if (status.detail) text += ` — ${status.detail}`;
  }
  statusEl.textContent = text;
  reconnectBtn.hidden = !source && st !== 'disconnected' && st !== 'reconnecting';
  reconnectBtn.textContent = source ? 'Back to live' : 'Reconnect';
}

function drawBanner(): void {
  dirty.banner = false;
  const parts: string[] = [];
  if (state.paused) parts.push(`Paused — ${pendingCount.toLocaleString('en')} new event${pendingCount === 1 ? '' : 's'} will be shown on resume.`);
  if (store.evicted) parts.push(`${store.evicted.toLocaleString('en')} older events dropped (buffer ${store.capacity.toLocaleString('en')}).`);
  if (gaps.size) parts.push(`${gaps.size} gap${gaps.size === 1 ? '' : 's'} in seq (marked in the table).`);
  const text = parts.join(' ');
  banner.hidden = !text;
  if (banner.textContent !== text) banner.textContent = text;
}

function setFilters(f: Filters): void {
  state.filters = { ...f, services: [...f.services] };
  if (!state.followTail) table.rememberAnchor();
  store.setFilters(state.filters);
  dirty.detail = dirty.ladder = dirty.state = true;
  schedule();
}

function setView(v: InspectorState['view']): void {
  state.view = v;
  dirty.toolbar = dirty.ladder = dirty.state = true;
  schedule();
}

function selectSeq(seq: number): void {
  state.selectedSeq = seq;
  table.select(seq);
  dirty.detail = dirty.state = true;
  schedule();
}

function setPaused(p: boolean): void {
  if (state.paused === p) return;
  state.paused = p;
  if (!p && pending.length) {
    addEvents(pending);
    pending = [];
  }
  pendingCount = 0;
  dirty.toolbar = dirty.banner = dirty.state = true;
  schedule();
}

function addEvents(events: readonly SimEvent[]): void {
  if (!events.length) return;
  if (!state.followTail) table.rememberAnchor();
  const before = store.evicted;
  store.push(events);
  if (store.evicted !== before) dirty.banner = true;
  if (state.selectedSeq !== null && selected?.seq !== state.selectedSeq) dirty.detail = true;
  if (state.view === 'call') dirty.ladder = true;
  scheduleData();
}

function clearAll(): void {
  store.clear();
  pending = [];
  pendingCount = 0;
  gaps.clear();
  selected = null;
  state.selectedSeq = null;
  table.select(null);
  dirty.detail = dirty.banner = dirty.ladder = dirty.state = true;
  schedule();
}

function onHostMessage(m: HostMessage): void {
  switch (m.type) {
    case 'init':
      store.resize(m.bufferSize);
      connection = m.connection;
      document.documentElement.lang = m.language;
      dirty.toolbar = dirty.banner = true;
      schedule();
      break;
    case 'events':
      if (source) break; // showing a file
      if (state.paused) {
        pendingCount += m.events.length;
        for (const e of m.events) pending.push(e);
        if (pending.length > store.capacity * 2) pending = pending.slice(-store.capacity);
        dirty.banner = true;
        scheduleData();
      } else addEvents(m.events);
      break;
    case 'status':
      status = m.status;
      dirty.toolbar = true;
      schedule();
      break;
    case 'gap':
      gaps.set(m.beforeSeq, `Gap: seq ${m.afterSeq + 1}–${m.beforeSeq - 1} ${m.filled ? 'missed and fetched again' : 'missing'}`);
      dirty.rows = dirty.banner = true;
      schedule();
      break;
    case 'loaded':
      clearAll();
      source = `${m.source}${m.skipped ? ` (${m.skipped} lines skipped)` : ''}`;
      store.push(m.events);
      dirty.toolbar = true;
      schedule();
      break;
    case 'clear':
      clearAll();
      break;
  }
}

// ---- wiring ----------------------------------------------------------------------------------------------------
window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  if (isHostMessage(ev.data)) onHostMessage(ev.data);
});
pauseBtn.addEventListener('click', () => setPaused(!state.paused));
clearBtn.addEventListener('click', () => clearAll());
followBox.addEventListener('change', () => {
  state.followTail = followBox.checked;
  table.followTail = followBox.checked;
  dirty.state = true;
  schedule();
});
exportAllBtn.addEventListener('click', () => post({ type: 'export', scope: 'all', events: store.all() }));
exportFilteredBtn.addEventListener('click', () => post({ type: 'export', scope: 'filtered', events: store.filtered() }));
openBtn.addEventListener('click', () => post({ type: 'openFile' }));
reconnectBtn.addEventListener('click', () => {
  if (source) {
    source = null;
    clearAll();
    dirty.toolbar = true;
  }
  post({ type: 'reconnect' });
});
tableViewBtn.addEventListener('click', () => setView('table'));
callViewBtn.addEventListener('click', () => setView('call'));
table.element.addEventListener('keydown', (ev) => {
  if ((ev.ctrlKey || ev.metaKey) && ev.key === 'c' && selected) {
    post({ type: 'copy', text: pretty(selected) });
    ev.preventDefault();
  }
});

// Restore, then say hello: the host answers with `init` (and the events it holds).
filterBar.set(state.filters);
table.followTail = state.followTail;
if (state.selectedSeq !== null) table.select(state.selectedSeq);
schedule();
post({ type: 'ready' });
