// The detail pane: the selected event as pretty JSON (as text), with copy and "show this call".
import { h } from './dom.js';
import { callIdOf } from './store.js';
import type { SimEvent } from '../../../shared/schemas/events.js';
import type { InspectorText } from '../../../shared/inspectorText.js';

export class DetailPane {
  readonly element: HTMLElement;
  private readonly pre: HTMLPreElement;
  private readonly title: HTMLElement;
  readonly copyButton: HTMLButtonElement;
  readonly callButton: HTMLButtonElement;
  private event: SimEvent | null = null;

  constructor(
    actions: { copy(e: SimEvent): void; showCall(id: string): void },
    private texts: InspectorText,
  ) {
    this.title = h('span', { class: 'detail-title' });
    this.copyButton = h('button', { type: 'button', class: 'copy', disabled: true });
    this.callButton = h('button', { type: 'button', class: 'show-call', disabled: true });
    this.pre = h('pre', { class: 'json', tabindex: 0 });
    this.element = h(
      'section',
      { class: 'detail' },
      h('div', { class: 'detail-bar' }, this.title, this.copyButton, this.callButton),
      this.pre,
    );
    this.copyButton.addEventListener('click', () => this.event && actions.copy(this.event));
    this.callButton.addEventListener('click', () => {
      const id = this.event ? callIdOf(this.event) : '';
      if (id) actions.showCall(id);
    });
    this.setTexts(texts);
  }

  /** Sets every label in the language of `texts`. */
  setTexts(texts: InspectorText): void {
    this.texts = texts;
    const t = texts.t;
    this.copyButton.textContent = t('copy');
    this.copyButton.title = t('copyTitle');
    this.callButton.textContent = t('showCall');
    this.callButton.title = t('showCallTitle');
    this.pre.setAttribute('aria-label', t('eventJson'));
    this.element.setAttribute('aria-label', t('detailLabel'));
    if (!this.event) this.title.textContent = t('noEventSelected');
  }

  show(e: SimEvent | null): void {
    if (e === this.event) return;
    this.event = e;
    this.pre.textContent = e ? pretty(e) : '';
    this.title.textContent = e ? `#${e.seq} ${e.service} ${e.event}` : this.texts.t('noEventSelected');
    this.copyButton.disabled = !e;
    this.callButton.disabled = !e || !callIdOf(e);
  }
}

export function pretty(e: SimEvent): string {
  return JSON.stringify(e, null, 2);
}
