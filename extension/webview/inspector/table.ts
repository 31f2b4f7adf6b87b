// The virtualised event table: fixed row height, only the visible rows in the DOM (a recycled pool), ARIA grid
// roles, keyboard navigation (↑ ↓ PageUp PageDown Home End) and follow tail.
import { h, setText } from './dom.js';
import { type EventStore, summaryOf, userOf } from './store.js';
import type { InspectorText, InspectorTextKey } from '../../../shared/inspectorText.js';
import type { SimEvent } from '../../../shared/schemas/events.js';

export const ROW_HEIGHT = 22;
const OVERSCAN = 6;
/** The columns, as keys of their headers in shared/inspectorText.ts. */
export const COLUMNS = [
  'colTime',
  'colSeq',
  'colService',
  'colEvent',
  'colUser',
  'colSummary',
] as const satisfies readonly InspectorTextKey[];

export interface TableCallbacks {
  /** The selection changed (by click or keyboard). */
  onSelect(seq: number | null): void;
  /** Follow tail was switched on or off by scrolling or keys. */
  onFollowChange(follow: boolean): void;
  /** Enter on a row. */
  onActivate?(e: SimEvent): void;
  /** A marker for a gap just before this seq, if any. */
  gapBefore?(seq: number): string | undefined;
}

function shortTime(iso: string): string {
  // 2025-01-02T10:11:12.345Z → 10:11:12.345 (as sent; no time-zone conversion per row)
  const t = iso.indexOf('T');
  return t >= 0 ? iso.slice(t + 1).replace(/Z$/, '') : iso;
}

function shortService(s: string): string {
  return s.replace(/^ucp\.v22\.events\./, 'uci.').replace(/^sim\.events\./, 'sim.');
}

interface PooledRow {
  el: HTMLDivElement;
  cells: HTMLDivElement[];
  index: number;
  seq: number;
  event: SimEvent | null;
}

export class VirtualTable {
  readonly element: HTMLDivElement;
  private readonly viewport: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly pool: PooledRow[] = [];
  private selected: number | null = null;
  private follow = true;
  private expectedScrollTop = -1;
  private anchorSeq: number | null = null;
  private anchorOffset = 0;
  private lastCount = -1;
  private readonly idPrefix = `row-${Math.random().toString(36).slice(2, 8)}-`;
  private readonly headers: HTMLDivElement[];

  constructor(
    private readonly store: EventStore,
    private readonly cb: TableCallbacks,
    private readonly requestRender: () => void,
    texts: InspectorText,
  ) {
    const header = h('div', { class: 'row header', role: 'row', 'aria-rowindex': 1 });
    this.headers = COLUMNS.map(() => h('div', { class: 'cell', role: 'columnheader' }));
    header.append(...this.headers);
    this.spacer = h('div', { class: 'spacer', role: 'presentation' });
    this.viewport = h('div', { class: 'viewport', role: 'rowgroup' }, this.spacer);
    this.element = h(
      'div',
      {
        class: 'grid',
        role: 'grid',
        tabindex: 0,
        'aria-colcount': COLUMNS.length,
        'aria-rowcount': 1,
        'aria-multiselectable': 'false',
      },
      h('div', { role: 'rowgroup', class: 'head' }, header),
      this.viewport,
    );
    this.viewport.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.element.addEventListener('keydown', (ev) => this.onKey(ev));
    this.spacer.addEventListener('click', (ev) => {
      const rowEl = (ev.target as Element).closest('[role=row]');
      const row = this.pool.find((r) => r.el === rowEl);
      if (!row || row.seq < 0) return;
      this.select(row.seq, false);
      this.element.focus({ preventScroll: true });
    });
    this.spacer.addEventListener('dblclick', (ev) => {
      const rowEl = (ev.target as Element).closest('[role=row]');
      const row = this.pool.find((r) => r.el === rowEl);
      const e = row ? this.store.row(row.index) : undefined;
      if (e) this.cb.onActivate?.(e);
    });
    this.setTexts(texts);
  }

  /** Sets the column headers and the grid's label in the language of `texts`. */
  setTexts(texts: InspectorText): void {
    COLUMNS.forEach((key, i) => setText(this.headers[i]!, texts.t(key)));
    this.element.setAttribute('aria-label', texts.t('tableLabel'));
  }

  get followTail(): boolean {
    return this.follow;
  }

  set followTail(on: boolean) {
    if (this.follow === on) return;
    this.follow = on;
    this.requestRender();
  }

  get selectedSeq(): number | null {
    return this.selected;
  }

  /** Selects the row with this seq and scrolls it into view (no callback when `silent`). */
  select(seq: number | null, silent = true): void {
    this.selected = seq;
    if (seq !== null) this.scrollToIndex(this.store.rowIndexOfSeq(seq));
    if (!silent) this.cb.onSelect(seq);
    this.requestRender();
  }

  /** Keeps the first visible row in place when rows are evicted or the view is rebuilt (not following). */
  rememberAnchor(): void {
    const first = Math.floor(this.viewport.scrollTop / ROW_HEIGHT);
    const e = this.store.row(first);
    this.anchorSeq = e ? e.seq : null;
    this.anchorOffset = this.viewport.scrollTop - first * ROW_HEIGHT;
  }

  /** Draws the visible rows; call from requestAnimationFrame. */
  render(): void {
    const count = this.store.filteredSize;
    const vp = this.viewport;
    if (count !== this.lastCount) {
      this.spacer.style.height = `${count * ROW_HEIGHT}px`;
      this.element.setAttribute('aria-rowcount', String(count + 1));
      this.lastCount = count;
    }
    const height = vp.clientHeight || ROW_HEIGHT * 20;
    if (this.follow) {
      const bottom = Math.max(0, count * ROW_HEIGHT - height);
      if (vp.scrollTop !== bottom) {
        vp.scrollTop = bottom;
        this.expectedScrollTop = vp.scrollTop;
      }
    } else if (this.anchorSeq !== null) {
      const i = this.store.rowIndexOfSeq(this.anchorSeq);
      if (i >= 0) {
        const top = i * ROW_HEIGHT + this.anchorOffset;
        if (Math.abs(vp.scrollTop - top) >= 1) {
          vp.scrollTop = top;
          this.expectedScrollTop = vp.scrollTop;
        }
      }
    }
    this.anchorSeq = null;
    const scrollTop = vp.scrollTop;
    const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const needed = Math.max(0, last - first);
    while (this.pool.length < needed) this.pool.push(this.makeRow());
    let activeId = '';
    for (let p = 0; p < this.pool.length; p++) {
      const row = this.pool[p]!;
      const i = first + p;
      const e = p < needed ? this.store.row(i) : undefined;
      if (!e) {
        if (row.seq !== -1) {
          row.el.hidden = true;
          row.seq = -1;
          row.index = -1;
          row.event = null;
        }
        continue;
      }
      row.el.hidden = false;
      if (row.index !== i) {
        row.el.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
        row.el.setAttribute('aria-rowindex', String(i + 2));
        row.index = i;
      }
      if (row.event !== e) this.fill(row, e);
      const isSel = e.seq === this.selected;
      if (isSel) activeId = row.el.id;
      if ((row.el.getAttribute('aria-selected') === 'true') !== isSel)
        row.el.setAttribute('aria-selected', String(isSel));
      const gap = this.cb.gapBefore?.(e.seq);
      row.el.classList.toggle('gap', gap !== undefined);
      if (gap !== undefined) row.el.title = gap;
      else if (row.el.title) row.el.removeAttribute('title');
    }
    if (activeId) this.element.setAttribute('aria-activedescendant', activeId);
    else this.element.removeAttribute('aria-activedescendant');
  }

  /** The rows currently in the DOM (visible + overscan). */
  get renderedRows(): number {
    return this.pool.filter((r) => r.seq !== -1).length;
  }

  private makeRow(): PooledRow {
    const cells: HTMLDivElement[] = [];
    const el = h('div', {
      class: 'row',
      role: 'row',
      id: `${this.idPrefix}${this.pool.length}`,
      'aria-selected': 'false',
    });
    for (let c = 0; c < COLUMNS.length; c++) {
      const cell = h('div', { class: `cell c${c}`, role: 'gridcell' });
      cells.push(cell);
      el.append(cell);
    }
    this.spacer.append(el);
    return { el, cells, index: -1, seq: -1, event: null };
  }

  private fill(row: PooledRow, e: SimEvent): void {
    row.seq = e.seq;
    row.event = e;
    row.el.dataset.seq = String(e.seq);
    const c = row.cells;
    setText(c[0]!, shortTime(e.time));
    setText(c[1]!, String(e.seq));
    setText(c[2]!, shortService(e.service));
    c[2]!.title = e.service;
    setText(c[3]!, e.event);
    setText(c[4]!, userOf(e));
    setText(c[5]!, summaryOf(e));
  }

  private visibleRows(): number {
    return Math.max(1, Math.floor((this.viewport.clientHeight || ROW_HEIGHT * 20) / ROW_HEIGHT) - 1);
  }

  private scrollToIndex(i: number): void {
    if (i < 0) return;
    const vp = this.viewport;
    const top = i * ROW_HEIGHT;
    const height = vp.clientHeight || ROW_HEIGHT * 20;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_HEIGHT > vp.scrollTop + height) vp.scrollTop = top + ROW_HEIGHT - height;
  }

  private onScroll(): void {
    const vp = this.viewport;
    if (Math.abs(vp.scrollTop - this.expectedScrollTop) < 1) {
      this.requestRender();
      return;
    }
    this.expectedScrollTop = -1;
    const atBottom = vp.scrollTop + vp.clientHeight >= vp.scrollHeight - ROW_HEIGHT / 2;
    if (atBottom !== this.follow) {
      this.follow = atBottom;
      this.cb.onFollowChange(atBottom);
    }
    this.requestRender();
  }

  private onKey(ev: KeyboardEvent): void {
    const count = this.store.filteredSize;
    if (count === 0) return;
    const cur = this.selected === null ? -1 : this.store.rowIndexOfSeq(this.selected);
    let next: number;
    switch (ev.key) {
      case 'ArrowDown':
        next = cur < 0 ? Math.floor(this.viewport.scrollTop / ROW_HEIGHT) : cur + 1;
        break;
      case 'ArrowUp':
        next = cur < 0 ? Math.floor(this.viewport.scrollTop / ROW_HEIGHT) : cur - 1;
        break;
      case 'PageDown':
        next = (cur < 0 ? 0 : cur) + this.visibleRows();
        break;
      case 'PageUp':
        next = (cur < 0 ? 0 : cur) - this.visibleRows();
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case 'Enter': {
        const e = cur >= 0 ? this.store.row(cur) : undefined;
        if (e) this.cb.onActivate?.(e);
        ev.preventDefault();
        return;
      }
      default:
        return;
    }
    ev.preventDefault();
    next = Math.max(0, Math.min(count - 1, next));
    const e = this.store.row(next);
    if (!e) return;
    const follow = next === count - 1 && ev.key === 'End';
    if (follow !== this.follow) {
      this.follow = follow;
      this.cb.onFollowChange(follow);
    }
    this.select(e.seq, false);
    this.expectedScrollTop = this.viewport.scrollTop;
  }
}
