// Entry of the "STARFACE Events" webview. Talks to the extension host only through postMessage (the contract is
// shared/schemas/inspector.ts); never sees a credential; renders every value as text.
import { DetailPane, pretty } from './detail.js';
import { h } from './dom.js';
import { FilterBar } from './filters.js';
import { buildLadder, renderLadder } from './ladder.js';
import {
  type ConnectionStatus,
  type HostMessage,
  type InspectorState,
  isHostMessage,
  isInspectorState,
  vscodeApi,
  type WebviewMessage,
} from './messages.js';
import { DEFAULT_BUFFER, EMPTY_FILTERS, EventStore, type Filters } from './store.js';
import { VirtualTable } from './table.js';
import { type InspectorText, type InspectorTextKey, inspectorText } from '../../../shared/inspectorText.js';
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
let source: { name: string; skipped: number } | null = null; // a loaded file: live events are not shown
let status: ConnectionStatus | null = null;
let connection: string | null = null;
const gaps = new Map<number, { afterSeq: number; filled: boolean; uncounted: boolean }>();
let selected: SimEvent | null = null;
// The texts in VS Code's display language: the page's <html lang> first, then the `init` message's.
let texts: InspectorText = inspectorText(document.documentElement.lang);
const STATE_TEXT: Record<ConnectionStatus['state'], InspectorTextKey> = {
  connecting: 'stateConnecting',
  live: 'stateLive',
  reconnecting: 'stateReconnecting',
  disconnected: 'stateDisconnected',
};

// ---- layout ---------------------------------------------------------------------------------------------------
const statusEl = h('span', { class: 'status state-connecting', role: 'status', 'aria-live': 'polite' });
const button = (cls: string) => h('button', { type: 'button', class: cls });
const pauseBtn = button('pause');
const clearBtn = button('clear');
const followBox = h('input', { type: 'checkbox', class: 'follow' });
const followText = document.createTextNode('');
const followLabel = h('label', { class: 'follow-label' }, followBox, followText);
const exportAllBtn = button('export-all');
const exportFilteredBtn = button('export-filtered');
const openBtn = button('open-file');
const reconnectBtn = button('reconnect');
const tableViewBtn = button('view-table');
const callViewBtn = button('view-call');
const toolbar = h(
  'div',
  { class: 'toolbar', role: 'toolbar' },
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
const filterBar = new FilterBar((f) => setFilters(f), texts);
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
    gapBefore: (seq) => {
      const gap = gaps.get(seq);
      if (!gap) return undefined;
      if (gap.uncounted) return texts.t('gapUncounted');
      return texts.t(gap.filled ? 'gapFilled' : 'gapMissing', gap.afterSeq + 1, seq - 1);
    },
  },
  () => schedule(),
  texts,
);
const ladderHost = h('div', { class: 'call-view', role: 'region' });
const detail = new DetailPane(
  {
    copy: (e) => post({ type: 'copy', text: pretty(e) }),
    showCall: (id) => {
      filterBar.set({ ...state.filters, callId: id });
      setFilters(filterBar.value);
      setView('call');
    },
  },
  texts,
);
const left = h('div', { class: 'left' }, table.element, ladderHost);
const root = h(
  'div',
  { class: 'app' },
  toolbar,
  filterBar.element,
  banner,
  h('div', { class: 'main' }, left, detail.element),
);
(document.getElementById('inspector') ?? document.body).append(root);

/** The fixed labels and titles (the changing ones are drawn in drawToolbar and drawBanner). */
function applyTexts(): void {
  const t = texts.t;
  const label = (b: HTMLButtonElement, text: InspectorTextKey, title: InspectorTextKey) => {
    b.textContent = t(text);
    b.title = t(title);
  };
  toolbar.setAttribute('aria-label', t('toolbarLabel'));
  pauseBtn.title = t('pauseTitle');
  label(clearBtn, 'clear', 'clearTitle');
  followText.textContent = t('followTail');
  label(exportAllBtn, 'exportAll', 'exportAllTitle');
  label(exportFilteredBtn, 'exportFiltered', 'exportFilteredTitle');
  label(openBtn, 'openFile', 'openFileTitle');
  reconnectBtn.title = t('reconnectTitle');
  label(tableViewBtn, 'viewTable', 'viewTableTitle');
  label(callViewBtn, 'viewCall', 'viewCallTitle');
  ladderHost.setAttribute('aria-label', t('callRegion'));
}
applyTexts();

/** Switches the texts to `language` (VS Code's display language) when it resolves to other texts or numbers. */
function setLanguage(language: string): void {
  const next = inspectorText(language);
  if (next.language === texts.language && next.locale === texts.locale) return;
  texts = next;
  applyTexts();
  filterBar.setTexts(texts);
  table.setTexts(texts);
  detail.setTexts(texts);
  dirty.toolbar = dirty.banner = dirty.ladder = dirty.rows = true;
  schedule();
}

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
      renderLadder(ladderHost, id ? buildLadder(store.callEvents(), id) : null, id, (seq) => selectSeq(seq), texts);
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
  const { t } = texts;
  pauseBtn.textContent = t(state.paused ? 'resume' : 'pause');
  pauseBtn.setAttribute('aria-pressed', String(state.paused));
  followBox.checked = state.followTail;
  tableViewBtn.setAttribute('aria-pressed', String(state.view === 'table'));
  callViewBtn.setAttribute('aria-pressed', String(state.view === 'call'));
  table.element.hidden = state.view !== 'table';
  ladderHost.hidden = state.view !== 'call';
  const st = status?.state ?? 'connecting';
  statusEl.className = `status state-${source ? 'file' : st}`;
  let text: string;
  if (source)
    text = source.skipped ? t('statusFileSkipped', source.name, texts.n(source.skipped)) : t('statusFile', source.name);
  else if (!status) text = connection ? t('statusConnectingTo', connection) : t('waiting');
  else {
    text = t('status', status.connection, t(STATE_TEXT[st]));
    if (status.retryInMs !== undefined && st !== 'live')
      text += ` ${t('statusRetry', texts.n(Math.ceil(status.retryInMs / 1000)))}`;
    if (status.detail) text += ` — ${status.detail}`;
  }
  statusEl.textContent = text;
  reconnectBtn.hidden = !source && st !== 'disconnected' && st !== 'reconnecting';
  reconnectBtn.textContent = t(source ? 'backToLive' : 'reconnect');
}

function drawBanner(): void {
  dirty.banner = false;
  const { t, n } = texts;
  const parts: string[] = [];
  if (state.paused) parts.push(t(pendingCount === 1 ? 'pausedOne' : 'pausedMany', n(pendingCount)));
  if (store.evicted)
    parts.push(t(store.evicted === 1 ? 'droppedOne' : 'droppedMany', n(store.evicted), n(store.capacity)));
  if (gaps.size) parts.push(t(gaps.size === 1 ? 'gapsOne' : 'gapsMany', n(gaps.size)));
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
      setLanguage(m.language);
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
      gaps.set(m.beforeSeq, { afterSeq: m.afterSeq, filled: m.filled, uncounted: m.uncounted === true });
      dirty.rows = dirty.banner = true;
      schedule();
      break;
    case 'loaded':
      clearAll();
      source = { name: m.source, skipped: m.skipped };
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
exportFilteredBtn.addEventListener('click', () =>
  post({ type: 'export', scope: 'filtered', events: store.filtered() }),
);
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
