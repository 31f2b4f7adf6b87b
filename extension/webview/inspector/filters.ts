// The filter bar: service, event, user, call id and free text. Emits the whole filter set on every change.
import { h } from './dom.js';
import { EMPTY_FILTERS, type Filters } from './store.js';
import type { InspectorText, InspectorTextKey } from '../../../shared/inspectorText.js';

export class FilterBar {
  readonly element: HTMLElement;
  private readonly service: HTMLSelectElement;
  private readonly inputs: Record<'event' | 'user' | 'callId' | 'text', HTMLInputElement>;
  private readonly count: HTMLElement;
  private known: string[] = [];
  private current: Filters = EMPTY_FILTERS;

  private readonly clear: HTMLButtonElement;
  private counted: [number, number] | null = null;

  constructor(
    onChange: (f: Filters) => void,
    private texts: InspectorText,
  ) {
    this.service = h('select', { class: 'f-service' }, h('option', { value: '' }));
    const input = (cls: string) => h('input', { type: 'search', class: cls, spellcheck: 'false' });
    this.inputs = {
      event: input('f-event'),
      user: input('f-user'),
      callId: input('f-call'),
      text: input('f-text'),
    };
    this.count = h('span', { class: 'count', role: 'status', 'aria-live': 'off' });
    const clear = (this.clear = h('button', { type: 'button', class: 'f-clear' }));
    this.element = h(
      'div',
      { class: 'filters', role: 'search' },
      this.service,
      this.inputs.event,
      this.inputs.user,
      this.inputs.callId,
      this.inputs.text,
      clear,
      this.count,
    );
    const emit = () => {
      this.current = this.read();
      onChange(this.current);
    };
    this.service.addEventListener('change', emit);
    for (const el of Object.values(this.inputs)) el.addEventListener('input', emit);
    clear.addEventListener('click', () => {
      this.set(EMPTY_FILTERS);
      emit();
    });
    this.setTexts(texts);
  }

  /** Sets every label in the language of `texts`. */
  setTexts(texts: InspectorText): void {
    this.texts = texts;
    const t = texts.t;
    this.service.setAttribute('aria-label', t('filterService'));
    if (this.service.options[0]) this.service.options[0].textContent = t('allServices');
    const label = (el: HTMLInputElement, aria: InspectorTextKey, placeholder: InspectorTextKey) => {
      el.setAttribute('aria-label', t(aria));
      el.placeholder = t(placeholder);
    };
    label(this.inputs.event, 'filterEvent', 'filterEventPlaceholder');
    label(this.inputs.user, 'filterUser', 'filterUserPlaceholder');
    label(this.inputs.callId, 'filterCallId', 'filterCallIdPlaceholder');
    label(this.inputs.text, 'filterText', 'filterTextPlaceholder');
    this.clear.textContent = t('filterReset');
    this.clear.title = t('filterResetTitle');
    if (this.counted) {
      const [shown, total] = this.counted;
      this.counted = null;
      this.setCount(shown, total);
    }
  }

  get value(): Filters {
    return this.current;
  }

  set(f: Filters): void {
    this.current = { ...f, services: [...f.services] };
    this.setServices(this.known);
    this.service.value = f.services[0] ?? '';
    this.inputs.event.value = f.event;
    this.inputs.user.value = f.user;
    this.inputs.callId.value = f.callId;
    this.inputs.text.value = f.text;
  }

  /** The services to offer (seen ones plus any in the current filter). */
  setServices(services: Iterable<string>): void {
    const list = [...new Set([...services, ...this.current.services])].sort();
    if (
      list.length === this.known.length &&
      list.every((s, i) => s === this.known[i]) &&
      this.service.options.length === list.length + 1
    )
      return;
    this.known = list;
    const selected = this.current.services[0] ?? '';
    this.service.replaceChildren(
      h('option', { value: '' }, this.texts.t('allServices')),
      ...list.map((s) => h('option', { value: s }, s)),
    );
    this.service.value = selected;
  }

  setCount(shown: number, total: number): void {
    if (this.counted && this.counted[0] === shown && this.counted[1] === total) return;
    this.counted = [shown, total];
    const { t, n } = this.texts;
    const text =
      shown === total ? t(total === 1 ? 'countOne' : 'countMany', n(total)) : t('countFiltered', n(shown), n(total));
    if (this.count.textContent !== text) this.count.textContent = text;
  }

  private read(): Filters {
    return {
      services: this.service.value ? [this.service.value] : [],
      event: this.inputs.event.value,
      user: this.inputs.user.value,
      callId: this.inputs.callId.value,
      text: this.inputs.text.value,
    };
  }
}
