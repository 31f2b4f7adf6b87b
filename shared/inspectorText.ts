// Every text the event inspector's webview shows or reads out, in English and German (terminology of the STARFACE
// UI). No imports: this module is bundled into the webview, which must stay small. Values go in as `{0}`, `{1}`, ….
// test/unit/inspector-text.test.ts checks that every entry has both languages with the same placeholders.

export const INSPECTOR_TEXT = {
  // Toolbar
  toolbarLabel: { en: 'Event inspector', de: 'Ereignis-Inspektor' },
  waiting: { en: 'Waiting for the extension…', de: 'Warte auf die Erweiterung…' },
  pause: { en: 'Pause', de: 'Pausieren' },
  pauseTitle: {
    en: 'Pause: new events are counted and shown on resume',
    de: 'Pausieren: Neue Ereignisse werden gezählt und beim Fortsetzen angezeigt',
  },
  resume: { en: 'Resume', de: 'Fortsetzen' },
  clear: { en: 'Clear', de: 'Leeren' },
  clearTitle: { en: 'Remove every event', de: 'Alle Ereignisse entfernen' },
  followTail: { en: 'Follow tail', de: 'Neuesten folgen' },
  exportAll: { en: 'Export all', de: 'Alle exportieren' },
  exportAllTitle: { en: 'Save every event as JSON Lines', de: 'Alle Ereignisse als JSON Lines speichern' },
  exportFiltered: { en: 'Export filtered', de: 'Gefilterte exportieren' },
  exportFilteredTitle: {
    en: 'Save the rows shown as JSON Lines',
    de: 'Die angezeigten Zeilen als JSON Lines speichern',
  },
  openFile: { en: 'Open file…', de: 'Datei öffnen…' },
  openFileTitle: {
    en: 'Open a JSON Lines recording or export',
    de: 'Eine JSON-Lines-Aufzeichnung oder einen Export öffnen',
  },
  reconnect: { en: 'Reconnect', de: 'Neu verbinden' },
  reconnectTitle: { en: 'Connect again now', de: 'Jetzt erneut verbinden' },
  backToLive: { en: 'Back to live', de: 'Zurück zu Live' },
  viewTable: { en: 'Table', de: 'Tabelle' },
  viewTableTitle: { en: 'All events', de: 'Alle Ereignisse' },
  viewCall: { en: 'Call', de: 'Anruf' },
  viewCallTitle: {
    en: 'The states of one call for both parties',
    de: 'Die Zustände eines Anrufs für beide Teilnehmer',
  },

  // Connection status
  statusFile: { en: 'File: {0}', de: 'Datei: {0}' },
  statusFileSkipped: { en: 'File: {0} ({1} lines skipped)', de: 'Datei: {0} ({1} Zeilen übersprungen)' },
  statusConnectingTo: { en: '{0}: connecting…', de: '{0}: verbindet…' },
  status: { en: '{0}: {1}', de: '{0}: {1}' },
  statusRetry: { en: '(retry in {0} s)', de: '(neuer Versuch in {0} s)' },
  stateConnecting: { en: 'connecting', de: 'verbindet' },
  stateLive: { en: 'live', de: 'live' },
  stateReconnecting: { en: 'reconnecting', de: 'verbindet erneut' },
  stateDisconnected: { en: 'disconnected', de: 'getrennt' },

  // Banner
  pausedOne: {
    en: 'Paused — {0} new event will be shown on resume.',
    de: 'Pausiert — {0} neues Ereignis wird beim Fortsetzen angezeigt.',
  },
  pausedMany: {
    en: 'Paused — {0} new events will be shown on resume.',
    de: 'Pausiert — {0} neue Ereignisse werden beim Fortsetzen angezeigt.',
  },
  droppedOne: { en: '{0} older event dropped (buffer {1}).', de: '{0} älteres Ereignis verworfen (Puffer {1}).' },
  droppedMany: { en: '{0} older events dropped (buffer {1}).', de: '{0} ältere Ereignisse verworfen (Puffer {1}).' },
  gapsOne: { en: '{0} gap in seq (marked in the table).', de: '{0} Lücke in seq (in der Tabelle markiert).' },
  gapsMany: { en: '{0} gaps in seq (marked in the table).', de: '{0} Lücken in seq (in der Tabelle markiert).' },
  gapFilled: { en: 'Gap: seq {0}–{1} missed and fetched again', de: 'Lücke: seq {0}–{1} verpasst und nachgeladen' },
  gapMissing: { en: 'Gap: seq {0}–{1} missing', de: 'Lücke: seq {0}–{1} fehlt' },
  gapUncounted: {
    en: 'Events may be missing before this one: the PBX had ended the UCI session and cannot send them again',
    de: 'Vor diesem Ereignis fehlen möglicherweise Ereignisse: Die Anlage hatte die UCI-Sitzung beendet und kann sie nicht erneut senden',
  },

  // Filter bar
  filterService: { en: 'Service', de: 'Dienst' },
  allServices: { en: 'All services', de: 'Alle Dienste' },
  filterEvent: { en: 'Event', de: 'Ereignis' },
  filterEventPlaceholder: { en: 'Event', de: 'Ereignis' },
  filterUser: { en: 'User', de: 'Benutzer' },
  filterUserPlaceholder: { en: 'User (login or id)', de: 'Benutzer (Login oder ID)' },
  filterCallId: { en: 'Call id', de: 'Anruf-ID' },
  filterCallIdPlaceholder: { en: 'Call id', de: 'Anruf-ID' },
  filterText: { en: 'Text', de: 'Text' },
  filterTextPlaceholder: { en: 'Text anywhere', de: 'Text irgendwo im Ereignis' },
  filterReset: { en: 'Reset', de: 'Zurücksetzen' },
  filterResetTitle: { en: 'Clear the filters', de: 'Filter zurücksetzen' },
  countOne: { en: '{0} event', de: '{0} Ereignis' },
  countMany: { en: '{0} events', de: '{0} Ereignisse' },
  countFiltered: { en: '{0} of {1}', de: '{0} von {1}' },

  // Event table
  tableLabel: { en: 'Events', de: 'Ereignisse' },
  colTime: { en: 'Time', de: 'Zeit' },
  colSeq: { en: 'Seq', de: 'Seq' },
  colService: { en: 'Service', de: 'Dienst' },
  colEvent: { en: 'Event', de: 'Ereignis' },
  colUser: { en: 'User / number', de: 'Benutzer / Nummer' },
  colSummary: { en: 'Summary', de: 'Zusammenfassung' },

  // Detail pane
  detailLabel: { en: 'Selected event', de: 'Ausgewähltes Ereignis' },
  noEventSelected: { en: 'No event selected', de: 'Kein Ereignis ausgewählt' },
  copy: { en: 'Copy', de: 'Kopieren' },
  copyTitle: { en: 'Copy the event as JSON', de: 'Das Ereignis als JSON kopieren' },
  showCall: { en: 'Show call', de: 'Anruf zeigen' },
  showCallTitle: { en: 'Show the states of this call', de: 'Die Zustände dieses Anrufs zeigen' },
  eventJson: { en: 'Event JSON', de: 'Ereignis als JSON' },

  // Per-call view (ladder)
  callRegion: { en: 'Call', de: 'Anruf' },
  ladderNoEvents: {
    en: 'No call-state events for call id {0}.',
    de: 'Keine Anrufzustands-Ereignisse für die Anruf-ID {0}.',
  },
  ladderHint: {
    en: 'Select a call-state event and choose "{0}", or enter a call id in the filter.',
    de: 'Wählen Sie ein Anrufzustands-Ereignis und dann „{0}“, oder geben Sie im Filter eine Anruf-ID ein.',
  },
  ladderTitle: { en: 'Call {0} {1} → {2} {3}', de: 'Anruf {0} {1} → {2} {3}' },
  ladderLabel: { en: 'Call states by party', de: 'Anrufzustände je Teilnehmer' },
  ladderTime: { en: 'Time', de: 'Zeit' },
  ladderCaller: { en: 'Caller {0} ({1})', de: 'Anrufer {0} ({1})' },
  ladderCallee: { en: 'Callee {0} ({1})', de: 'Angerufener {0} ({1})' },
  ladderCalleeNoEvents: { en: 'Callee {0} (no events)', de: 'Angerufener {0} (keine Ereignisse)' },
  ladderPartyTitle: { en: 'call id {0}', de: 'Anruf-ID {0}' },
  ladderStepTitle: { en: 'seq {0}', de: 'seq {0}' },
} as const;

export type InspectorTextKey = keyof typeof INSPECTOR_TEXT;
export type InspectorLanguage = 'en' | 'de';

/** 'de', 'de-DE', 'de-CH', … → German; anything else → English. */
export function inspectorLanguage(language: string): InspectorLanguage {
  return /^de(?:$|[-_])/i.test(language.trim()) ? 'de' : 'en';
}

/** Replaces `{0}`, `{1}`, … with the arguments; an unknown placeholder stays as it is. */
export function format(template: string, ...args: (string | number | boolean)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => {
    const v = args[Number(i)];
    return v === undefined ? m : String(v);
  });
}

export interface InspectorText {
  /** The resolved text language. */
  readonly language: InspectorLanguage;
  /** The locale for numbers: the given tag when German, else 'en'. */
  readonly locale: string;
  /** The text of `key`, with the values filled in. */
  t(key: InspectorTextKey, ...args: (string | number)[]): string;
  /** A number with the locale's grouping (50,000 / 50.000). */
  n(value: number): string;
}

/** The texts for `language` (VS Code's display language, e.g. from `<html lang>`). */
export function inspectorText(language: string): InspectorText {
  const lang = inspectorLanguage(language);
  let locale = lang === 'de' ? language.trim().replace(/_/g, '-') : 'en';
  try {
    (0).toLocaleString(locale);
  } catch {
    locale = lang; // not a valid BCP 47 tag
  }
  return {
    language: lang,
    locale,
    t: (key, ...args) => format(INSPECTOR_TEXT[key][lang], ...args),
    n: (value) => value.toLocaleString(locale),
  };
}
