// The detail pane: the selected event as pretty JSON (as text), with copy and "show this call".
import { h } from './dom.js';
import { callIdOf } from './store.js';
import type { SimEvent } from '../../../shared/schemas/events.js';

export class DetailPane {
  readonly element: HTMLElement;
  private readonly pre: HTMLPreElement;
  private readonly title: HTMLElement;
  readonly copyButton: HTMLButtonElement;
  readonly callButton: HTMLButtonElement;
  private event: SimEvent | null = null;

  constructor(actions: { copy(e: SimEvent): void; showCall(id: string): void }) {
    this.title = h('span', { class: 'detail-title' }, 'No event selected');
    this.copyButton = h('button', { type: 'button', class: 'copy', disabled: true, title: 'Copy the event as JSON' }, 'Copy');
    this.callButton = h('button', { type: 'button', class: 'show-call', disabled: true, title: 'Show the states of this call' }, 'Show call');
    this.pre = h('pre', { class: 'json', tabindex: 0, 'aria-label': 'Event JSON' });
    this.element = h('section', { class: 'detail', 'aria-label': 'Selected event' }, h('div', { class: 'detail-bar' }, this.title, this.copyButton, this.callButton), this.pre);
    this.copyButton.addEventListener('click', () => this.event && actions.copy(this.event));
    this.callButton.addEventListener('click', () => {
      const id = this.event ? callIdOf(this.event) : '';
      if (id) actions.showCall(id);
    });
  }

  show(e: SimEvent | null): void {
    if (e === this.event) return;
    this.event = e;
    this.pre.textContent = e ? pretty(e) : '';
    this.title.textContent = e ? `#${e.seq} ${e.service} ${e.event}` : 'No event selected';
    this.copyButton.disabled = !e;
    this.callButton.disabled = !e || !callIdOf(e);
  }
}

export function pretty(e: SimEvent): string {
  return JSON.stringify(e, null, 2);
}
