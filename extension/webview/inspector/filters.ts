// The filter bar: service, event, user, call id and free text. Emits the whole filter set on every change.
import { h } from './dom.js';
import { EMPTY_FILTERS, type Filters } from './store.js';

export class FilterBar {
  readonly element: HTMLElement;
  private readonly service: HTMLSelectElement;
  private readonly inputs: Record<'event' | 'user' | 'callId' | 'text', HTMLInputElement>;
  private readonly count: HTMLElement;
  private known: string[] = [];
  private current: Filters = EMPTY_FILTERS;

  constructor(onChange: (f: Filters) => void) {
    this.service = h('select', { class: 'f-service', 'aria-label': 'Service' }, h('option', { value: '' }, 'All services'));
    const input = (cls: string, label: string, placeholder: string) => h('input', { type: 'search', class: cls, 'aria-label': label, placeholder, spellcheck: 'false' });
    this.inputs = {
      event: input('f-event', 'Event', 'Event'),
      user: input('f-user', 'User', 'User (login or id)'),
      callId: input('f-call', 'Call id', 'Call id'),
      text: input('f-text', 'Text', 'Text anywhere'),
    };
    this.count = h('span', { class: 'count', role: 'status', 'aria-live': 'off' });
    const clear = h('button', { type: 'button', class: 'f-clear', title: 'Clear the filters' }, 'Reset');
    this.element = h('div', { class: 'filters', role: 'search' }, this.service, this.inputs.event, this.inputs.user, this.inputs.callId, this.inputs.text, clear, this.count);
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
    if (list.length === this.known.length && list.every((s, i) => s === this.known[i]) && this.service.options.length === list.length + 1) return;
    this.known = list;
    const selected = this.current.services[0] ?? '';
    this.service.replaceChildren(h('option', { value: '' }, 'All services'), ...list.map((s) => h('option', { value: s }, s)));
    this.service.value = selected;
  }

  setCount(shown: number, total: number): void {
    const text = shown === total ? `${total.toLocaleString('en')} events` : `${shown.toLocaleString('en')} of ${total.toLocaleString('en')}`;
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
