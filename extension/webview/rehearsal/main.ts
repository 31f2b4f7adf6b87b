// Entry of the Teams App rehearsal webview: our own rendition of the STARFACE App for Teams. Talks to the extension
// host only through postMessage (shared/schemas/teamsRehearsal.ts); renders every value as text (textContent).
import { h } from '../inspector/dom.js';
import {
  isRehearsalHostMessage,
  vscodeApi,
  type RehearsalHostMessage,
  type RehearsalWebviewMessage,
} from './messages.js';
import { type RehearsalText, rehearsalText } from '../../../shared/teamsRehearsalText.js';
import { DIAL_NUMBER_PATTERN } from '../../../shared/dialNumber.js';
import type { RehearsalCall } from '../../../shared/schemas/teamsRehearsal.js';

const KEY_FILE_MAX_BYTES = 10_000;

const api = vscodeApi();
const post = (m: RehearsalWebviewMessage) => api.postMessage(m);
let texts: RehearsalText = rehearsalText(document.documentElement.lang);
const t: RehearsalText['t'] = (key, ...args) => texts.t(key, ...args);

/** Elements whose text depends on the language: re-labelled when `init` names another one. */
const labelled: (() => void)[] = [];
function label<E extends HTMLElement>(el: E, apply: (el: E) => void): E {
  const run = () => apply(el);
  labelled.push(run);
  run();
  return el;
}
const textOf = (key: Parameters<typeof t>[0]) => (el: HTMLElement) => (el.textContent = t(key));

// ---- header ----------------------------------------------------------------------------------------------------
const title = label(h('h1', { class: 'app-title' }), textOf('appTitle'));
const connectionEl = label(h('p', { class: 'connection', role: 'status' }), textOf('waiting'));
const noticeEl = label(h('p', { class: 'notice', hidden: true }), textOf('simulatorOnly'));
const errorEl = h('p', { class: 'error', role: 'alert' });

// ---- sign-in form ----------------------------------------------------------------------------------------------
let fieldCount = 0;
function field(
  key: Parameters<typeof t>[0],
  type: string,
  autocomplete: string,
): { row: HTMLElement; input: HTMLInputElement } {
  const id = `field-${++fieldCount}`;
  const input = h('input', { id, type, autocomplete, spellcheck: 'false' });
  const lab = label(h('label', { for: id }), textOf(key));
  return { row: h('div', { class: 'field' }, lab, input), input };
}
const pbxName = field('pbxName', 'text', 'off');
const login = field('login', 'text', 'username');
const password = field('password', 'password', 'current-password');
const key = field('key', 'password', 'off');

/** The dropped key file: its text goes to the sign-in instead of a typed key. */
let keyFile: { name: string; text: string } | undefined;
const fileInput = h('input', {
  type: 'file',
  accept: '.json,application/json',
  class: 'visually-hidden',
  tabindex: -1,
});
const dropHint = label(h('span', { class: 'drop-hint' }), textOf('dropZone'));
const dropZone = h('div', { class: 'drop-zone', role: 'button', tabindex: 0 }, dropHint);
label(dropZone, (el) => el.setAttribute('aria-label', t('dropZone')));
const keyFileStatus = h('span', { class: 'key-file-status', role: 'status', 'aria-live': 'polite' });
const useTypedKey = label(h('button', { type: 'button', class: 'secondary', hidden: true }), textOf('useTypedKey'));
const keyRow = h(
  'div',
  { class: 'key-block' },
  key.row,
  dropZone,
  fileInput,
  h('div', { class: 'key-file' }, keyFileStatus, useTypedKey),
);
const signInButton = label(h('button', { type: 'submit', class: 'primary' }), textOf('signIn'));
const formMessage = h('p', { class: 'form-message', role: 'alert' });
const signInHeading = label(h('h2', { id: 'signin-heading' }), textOf('signInHeading'));
const form = h(
  'form',
  { class: 'signin', 'aria-labelledby': 'signin-heading', novalidate: true },
  signInHeading,
  pbxName.row,
  keyRow,
  login.row,
  password.row,
  formMessage,
  signInButton,
);

// ---- refusal ---------------------------------------------------------------------------------------------------
const refusedHeading = h('h2', { id: 'refused-heading' });
const refusedSummary = h('p', { class: 'summary' });
const refusedCount = h('p', { class: 'unmet-count' });
const refusedList = h('ul', { class: 'requirements' });
const refused = h(
  'section',
  { class: 'refused', 'aria-labelledby': 'refused-heading', hidden: true },
  refusedHeading,
  refusedSummary,
  refusedCount,
  refusedList,
);

// ---- signed in -------------------------------------------------------------------------------------------------
const whoEl = h('h2', { class: 'who', id: 'who-heading' });
const signOutButton = label(h('button', { type: 'button', class: 'secondary' }), textOf('signOut'));
const presenceHeading = label(h('h3', { id: 'presence-heading' }), textOf('presenceHeading'));
const chatEl = h('dd', { class: 'chat-presence' });
const telEl = h('dd', { class: 'telephony-state' });
const messageEl = h('dd', { class: 'presence-message' });
const presence = h(
  'section',
  { class: 'presence', 'aria-labelledby': 'presence-heading', 'aria-live': 'polite' },
  presenceHeading,
  h(
    'dl',
    {},
    label(h('dt', {}), textOf('chatPresence')),
    chatEl,
    label(h('dt', {}), textOf('telephonyState')),
    telEl,
    label(h('dt', {}), textOf('presenceMessage')),
    messageEl,
  ),
);

const dialHeading = label(h('h3', { id: 'dial-heading' }), textOf('dialPad'));
const numberField = field('number', 'tel', 'off');
numberField.input.classList.add('number');
const digits = h('div', { class: 'digits', role: 'group' });
label(digits, (el) => el.setAttribute('aria-label', t('dialPad')));
for (const d of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']) {
  const b = h('button', { type: 'button', class: 'digit', 'data-digit': d }, d);
  b.addEventListener('click', () => {
    numberField.input.value += d;
    numberField.input.focus();
  });
  digits.append(b);
}
const backspace = h('button', { type: 'button', class: 'secondary backspace' }, '⌫');
label(backspace, (el) => {
  el.setAttribute('aria-label', t('deleteDigit'));
  el.title = t('deleteDigit');
});
const callButton = label(h('button', { type: 'submit', class: 'primary call' }), textOf('call'));
const dialMessage = h('p', { class: 'form-message', role: 'alert' });
const dialForm = h(
  'form',
  { class: 'dial', 'aria-labelledby': 'dial-heading', novalidate: true },
  dialHeading,
  numberField.row,
  digits,
  h('div', { class: 'actions' }, backspace, callButton),
  dialMessage,
);

const contactsHeading = label(h('h3', { id: 'contacts-heading' }), textOf('contacts'));
const search = field('searchContacts', 'search', 'off');
const contactList = h('ul', { class: 'contacts', 'aria-live': 'polite' });
const contacts = h(
  'section',
  { class: 'contact-search', 'aria-labelledby': 'contacts-heading' },
  contactsHeading,
  search.row,
  contactList,
);

const callsHeading = label(h('h3', { id: 'calls-heading' }), textOf('callsHeading'));
const callList = h('ul', { class: 'calls' });
const calls = h(
  'section',
  { class: 'active-calls', 'aria-labelledby': 'calls-heading', hidden: true },
  callsHeading,
  callList,
);

const journalHeading = label(h('h3', { id: 'journal-heading' }), textOf('journalHeading'));
const refreshButton = label(h('button', { type: 'button', class: 'secondary' }), textOf('refresh'));
const journalCount = h('p', { class: 'journal-count' });
const journalList = h('ul', { class: 'journal' });
const journal = h(
  'section',
  { class: 'journal-section', 'aria-labelledby': 'journal-heading' },
  h('div', { class: 'section-head' }, journalHeading, refreshButton),
  journalCount,
  journalList,
);

const app = h(
  'section',
  { class: 'app', 'aria-labelledby': 'who-heading', hidden: true },
  h('div', { class: 'section-head' }, whoEl, signOutButton),
  presence,
  calls,
  h('div', { class: 'columns' }, dialForm, contacts),
  journal,
);

// Incoming calls: each one a toast, read out at once (assertive).
const toasts = h('div', { class: 'toasts', 'aria-live': 'assertive', 'aria-relevant': 'additions' });

document.body.append(h('main', {}, title, connectionEl, noticeEl, errorEl, form, refused, app), toasts);

// ---- behaviour -------------------------------------------------------------------------------------------------
let simulator = true;
let connection: string | null = null;
let busy = false;
const activeCalls = new Map<string, RehearsalCall>();

function setBusy(on: boolean): void {
  busy = on;
  signInButton.disabled = on;
  signInButton.textContent = on ? t('signingIn') : t('signIn');
  form.setAttribute('aria-busy', String(on));
}

function showKeyFile(): void {
  useTypedKey.hidden = !keyFile;
  key.input.disabled = !!keyFile;
  keyFileStatus.textContent = keyFile ? t('keyFileLoaded', keyFile.name) : '';
  dropZone.classList.toggle('loaded', !!keyFile);
}

async function takeFile(file: File | undefined | null): Promise<void> {
  if (!file) return;
  formMessage.textContent = '';
  if (file.size > KEY_FILE_MAX_BYTES) {
    formMessage.textContent = t('keyFileTooLarge', file.name);
    return;
  }
  try {
    const text = await file.text();
    keyFile = { name: file.name, text };
    key.input.value = '';
  } catch {
    formMessage.textContent = t('keyFileUnreadable', file.name);
  }
  showKeyFile();
}

dropZone.addEventListener('dragover', (e) => {
  e.preventDefault();
  dropZone.classList.add('over');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('over'));
// The whole panel takes the file: a drop beside the zone must not make the browser open it.
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => {
  e.preventDefault();
  dropZone.classList.remove('over');
  void takeFile(e.dataTransfer?.files?.[0]);
});
dropZone.addEventListener('click', () => fileInput.click());
dropZone.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    fileInput.click();
  }
});
fileInput.addEventListener('change', () => void takeFile(fileInput.files?.[0]));
useTypedKey.addEventListener('click', () => {
  keyFile = undefined;
  fileInput.value = '';
  showKeyFile();
  key.input.focus();
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (busy) return;
  errorEl.textContent = '';
  const missing = (
    [
      [pbxName.input, 'pbxName'],
      [login.input, 'login'],
      [password.input, 'password'],
    ] as const
  ).find(([input]) => !input.value.trim());
  if (missing) {
    formMessage.textContent = t('missingField', t(missing[1]));
    missing[0].focus();
    return;
  }
  const typed = key.input.value.trim();
  if (!keyFile && !typed) {
    formMessage.textContent = t('keyOrFile');
    key.input.focus();
    return;
  }
  formMessage.textContent = '';
  setBusy(true);
  post({
    type: 'signIn',
    pbxName: pbxName.input.value.trim(),
    ...(keyFile ? { keyFile: keyFile.text } : { key: typed }),
    login: login.input.value.trim(),
    password: password.input.value,
  });
});

signOutButton.addEventListener('click', () => post({ type: 'signOut' }));
refreshButton.addEventListener('click', () => post({ type: 'refreshJournal' }));
backspace.addEventListener('click', () => {
  numberField.input.value = numberField.input.value.slice(0, -1);
  numberField.input.focus();
});
function dial(number: string): void {
  if (!DIAL_NUMBER_PATTERN.test(number)) {
    dialMessage.textContent = t('invalidNumber');
    return;
  }
  dialMessage.textContent = '';
  post({ type: 'dial', number });
}
dialForm.addEventListener('submit', (e) => {
  e.preventDefault();
  dial(numberField.input.value.replace(/[\s-]/g, ''));
});
let searchTimer: ReturnType<typeof setTimeout> | undefined;
search.input.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => post({ type: 'search', query: search.input.value.slice(0, 100) }), 150);
});
// Escape closes the newest toast.
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  const last = toasts.lastElementChild;
  if (last) {
    last.remove();
    e.preventDefault();
  }
});

function renderRefused(m: Extract<RehearsalHostMessage, { type: 'refused' }>): void {
  refused.hidden = false;
  app.hidden = true;
  refusedHeading.textContent = t('refusedHeading', m.login);
  refusedSummary.textContent = m.summary;
  refusedCount.textContent = t('unmetCount', m.requirements.length);
  refusedList.replaceChildren(
    ...m.requirements.map((r) => {
      const heading = h('h3', {}, `${r.id} · ${r.title}`);
      const fixes = r.fixes.length
        ? r.fixes.map((f) => {
            const b = h('button', { type: 'button', class: 'primary fix' }, f.title);
            b.addEventListener('click', () => post({ type: 'fix', requirement: r.id, index: f.index }));
            return b;
          })
        : [h('p', { class: 'no-fix' }, t('noFix'))];
      return h(
        'li',
        { class: 'requirement', 'data-id': r.id },
        heading,
        h('p', { class: 'message' }, r.message),
        h('p', { class: 'guide', lang: 'de' }, t('guide', r.guide)),
        h('div', { class: 'fixes' }, ...fixes),
      );
    }),
  );
  refusedHeading.setAttribute('tabindex', '-1');
  refusedHeading.focus();
}

function presenceText(prefix: 'chat_' | 'tel_', value: string): string {
  return texts.maybe(`${prefix}${value}`, value || t('unknownState'));
}

function renderCalls(): void {
  calls.hidden = activeCalls.size === 0;
  callList.replaceChildren(
    ...[...activeCalls.values()].map((c) => {
      const hang = h('button', { type: 'button', class: 'secondary' }, t('hangUp'));
      hang.addEventListener('click', () => post({ type: 'hangup', callId: c.id }));
      const who = c.name ? `${c.name} (${c.number})` : c.number;
      return h(
        'li',
        { class: 'call', 'data-state': c.state },
        t('callWith', who, texts.maybe(`state_${c.state}`, c.state)),
        hang,
      );
    }),
  );
}

function toast(c: RehearsalCall): void {
  const id = `toast-${c.id}`;
  if (document.getElementById(id)) return;
  const who = c.name ? `${c.name} (${c.number})` : c.number;
  const decline = h('button', { type: 'button', class: 'secondary' }, t('decline'));
  const dismiss = h('button', { type: 'button', class: 'secondary' }, t('dismiss'));
  const el = h(
    'div',
    { class: 'toast', id, role: 'alert', 'data-call': c.id },
    h('p', { class: 'toast-text' }, t('incomingCall', who)),
    h('div', { class: 'actions' }, decline, dismiss),
  );
  decline.addEventListener('click', () => {
    post({ type: 'hangup', callId: c.id });
    el.remove();
  });
  dismiss.addEventListener('click', () => el.remove());
  toasts.append(el);
}

function onCall(c: RehearsalCall): void {
  if (c.state === 'HANGUP') activeCalls.delete(c.id);
  else activeCalls.set(c.id, c);
  if (c.incoming && (c.state === 'INCOMING' || c.state === 'RINGING')) toast(c);
  else document.getElementById(`toast-${c.id}`)?.remove();
  renderCalls();
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(texts.language === 'de' ? 'de-DE' : 'en');
}

function handle(m: RehearsalHostMessage): void {
  switch (m.type) {
    case 'init':
      texts = rehearsalText(m.language);
      for (const run of labelled) run();
      connection = m.connection;
      simulator = m.simulator;
      connectionEl.textContent = connection ? t('connection', connection) : t('noConnection');
      noticeEl.hidden = simulator;
      if (!pbxName.input.value) pbxName.input.value = m.pbxName;
      if (!login.input.value) login.input.value = m.login;
      setBusy(false);
      return;
    case 'refused':
      setBusy(false);
      form.hidden = false;
      renderRefused(m);
      return;
    case 'signedIn':
      setBusy(false);
      form.hidden = true;
      refused.hidden = true;
      app.hidden = false;
      noticeEl.hidden = m.rehearsed;
      whoEl.textContent = t('signedInAs', m.name === m.login ? m.login : `${m.name} (${m.login})`);
      password.input.value = '';
      whoEl.setAttribute('tabindex', '-1');
      whoEl.focus();
      return;
    case 'presence':
      chatEl.textContent = presenceText('chat_', m.presence.chatPresence);
      telEl.textContent = presenceText('tel_', m.presence.telephonyState);
      messageEl.textContent = m.presence.message || t('noPresenceMessage');
      presence.setAttribute('data-chat', m.presence.chatPresence);
      presence.setAttribute('data-telephony', m.presence.telephonyState);
      return;
    case 'call':
      onCall(m.call);
      return;
    case 'journal':
      journalCount.textContent = m.entries.length ? t('journalCount', m.entries.length, m.total) : t('journalEmpty');
      journalList.replaceChildren(
        ...m.entries.map((e) => {
          const kind = e.missed ? t('journalMissed') : e.incoming ? t('journalIn') : t('journalOut');
          const who = e.name && e.name !== e.number ? `${e.name} (${e.number})` : e.number;
          return h(
            'li',
            { class: e.missed ? 'entry missed' : 'entry' },
            h('span', { class: 'kind' }, kind),
            h('span', { class: 'party' }, who),
            h('span', { class: 'time' }, formatTime(e.time)),
            h('span', { class: 'duration' }, t('seconds', e.durationSec)),
          );
        }),
      );
      return;
    case 'contacts':
      if (m.query !== search.input.value.slice(0, 100)) return; // an older answer
      contactList.replaceChildren(
        ...(m.contacts.length
          ? m.contacts.map((c) => {
              const b = h('button', { type: 'button', class: 'secondary' }, t('callContact', c.name, c.number));
              b.addEventListener('click', () => dial(c.number));
              return h('li', {}, b);
            })
          : [h('li', { class: 'empty' }, t('noContacts'))]),
      );
      return;
    case 'error':
      setBusy(false);
      errorEl.textContent = m.message;
      return;
    case 'signedOut':
      form.hidden = false;
      app.hidden = true;
      refused.hidden = true;
      activeCalls.clear();
      renderCalls();
      toasts.replaceChildren();
      setBusy(false);
      return;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  if (isRehearsalHostMessage(e.data)) handle(e.data);
});
post({ type: 'ready' });
