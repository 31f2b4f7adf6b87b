// Every text the Teams App rehearsal's webview shows or reads out, in English and German. Bundled into the webview:
// it imports only the inspector's formatter (no zod). Values go in as `{0}`, `{1}`, ….
// test/unit/teams-rehearsal.test.ts checks that every entry has both languages with the same placeholders.
import { format, inspectorLanguage, type InspectorLanguage } from './inspectorText.js';

export const REHEARSAL_TEXT = {
  appTitle: { en: 'STARFACE App for Teams (rehearsal)', de: 'STARFACE App für Teams (Probe)' },
  waiting: { en: 'Waiting for the extension…', de: 'Warte auf die Erweiterung…' },
  connection: { en: 'Connection: {0}', de: 'Verbindung: {0}' },
  noConnection: { en: 'No connection selected', de: 'Keine Verbindung ausgewählt' },
  simulatorOnly: {
    en: 'The sign-in rehearsal needs the simulator; on this PBX the view runs on UCI alone.',
    de: 'Die Anmeldeprobe braucht den Simulator; an dieser Anlage läuft die Ansicht nur über UCI.',
  },
  signInHeading: { en: 'Sign in to STARFACE', de: 'An der STARFACE anmelden' },
  pbxName: { en: 'PBX name', de: 'Name der Anlage' },
  key: { en: 'Key', de: 'Schlüssel' },
  dropZone: {
    en: 'Drop the key file here, or choose it with Enter',
    de: 'Schlüsseldatei hier ablegen oder mit der Eingabetaste wählen',
  },
  keyFileLoaded: { en: 'Key file {0} loaded', de: 'Schlüsseldatei {0} geladen' },
  useTypedKey: { en: 'Type the key instead', de: 'Stattdessen den Schlüssel eingeben' },
  login: { en: 'Login', de: 'Anmeldename' },
  password: { en: 'Password', de: 'Passwort' },
  signIn: { en: 'Sign in', de: 'Anmelden' },
  signingIn: { en: 'Signing in…', de: 'Anmeldung läuft…' },
  missingField: { en: '{0} is missing', de: '{0} fehlt' },
  keyOrFile: { en: 'Type the key or drop the key file', de: 'Schlüssel eingeben oder Schlüsseldatei ablegen' },
  keyFileTooLarge: { en: '{0} is too large for a key file', de: '{0} ist für eine Schlüsseldatei zu groß' },
  keyFileUnreadable: { en: 'Could not read {0}', de: '{0} konnte nicht gelesen werden' },
  refusedHeading: { en: 'The sign-in of {0} is refused', de: 'Die Anmeldung von {0} wird abgelehnt' },
  unmetCount: { en: '{0} requirement(s) not met', de: '{0} Voraussetzung(en) nicht erfüllt' },
  guide: { en: 'Guide: „{0}“', de: 'Anleitung: „{0}“' },
  noFix: { en: 'No automatic fix: see the admin UI', de: 'Keine automatische Behebung: siehe Administration' },
  signedInAs: { en: 'Signed in as {0}', de: 'Angemeldet als {0}' },
  signOut: { en: 'Sign out', de: 'Abmelden' },
  presenceHeading: { en: 'Presence', de: 'Präsenz' },
  chatPresence: { en: 'Chat presence', de: 'Chat-Präsenz' },
  telephonyState: { en: 'Telephony', de: 'Telefonie' },
  presenceMessage: { en: 'Status message', de: 'Statusnachricht' },
  noPresenceMessage: { en: '(none)', de: '(keine)' },
  unknownState: { en: 'unknown', de: 'unbekannt' },
  chat_AVAILABLE: { en: 'Available', de: 'Verfügbar' },
  chat_AWAY: { en: 'Away', de: 'Abwesend' },
  chat_DO_NOT_DISTURB: { en: 'Do not disturb', de: 'Nicht stören' },
  chat_EXTENDED_AWAY: { en: 'Extended away', de: 'Länger abwesend' },
  chat_FREE_FOR_CHAT: { en: 'Free for chat', de: 'Gesprächsbereit' },
  chat_UNAVAILABLE: { en: 'Unavailable', de: 'Nicht verfügbar' },
  tel_ACTIVE: { en: 'In a call', de: 'Im Gespräch' },
  tel_AVAILABLE: { en: 'Available', de: 'Verfügbar' },
  tel_QUEUE_PAUSE: { en: 'Queue pause', de: 'Warteschlangenpause' },
  tel_RINGING: { en: 'Ringing', de: 'Klingelt' },
  tel_UNAVAILABLE: { en: 'Unavailable', de: 'Nicht verfügbar' },
  dialPad: { en: 'Dial pad', de: 'Wähltastatur' },
  number: { en: 'Number', de: 'Rufnummer' },
  call: { en: 'Call', de: 'Anrufen' },
  deleteDigit: { en: 'Delete the last digit', de: 'Letzte Ziffer löschen' },
  invalidNumber: { en: 'Enter digits, * or # to call', de: 'Zum Anrufen Ziffern, * oder # eingeben' },
  contacts: { en: 'Contacts', de: 'Kontakte' },
  searchContacts: { en: 'Search contacts', de: 'Kontakte suchen' },
  noContacts: { en: 'No contacts found', de: 'Keine Kontakte gefunden' },
  callContact: { en: 'Call {0} ({1})', de: '{0} ({1}) anrufen' },
  callsHeading: { en: 'Calls', de: 'Anrufe' },
  incomingCall: { en: 'Incoming call from {0}', de: 'Eingehender Anruf von {0}' },
  callWith: { en: '{0}: {1}', de: '{0}: {1}' },
  decline: { en: 'Decline', de: 'Ablehnen' },
  hangUp: { en: 'Hang up', de: 'Auflegen' },
  dismiss: { en: 'Dismiss', de: 'Schließen' },
  state_REQUESTED: { en: 'Requested', de: 'Angefordert' },
  state_PROCEEDING: { en: 'Dialling', de: 'Wählt' },
  state_RINGBACK: { en: 'Ringing at the other end', de: 'Klingelt beim Angerufenen' },
  state_INCOMING: { en: 'Incoming', de: 'Eingehend' },
  state_RINGING: { en: 'Ringing', de: 'Klingelt' },
  state_CONNECTED: { en: 'Connected', de: 'Verbunden' },
  state_HANGUP: { en: 'Ended', de: 'Beendet' },
  state_PARKED: { en: 'Parked', de: 'Geparkt' },
  journalHeading: { en: 'Call journal', de: 'Anrufliste' },
  refresh: { en: 'Refresh', de: 'Aktualisieren' },
  journalEmpty: { en: 'No calls yet', de: 'Noch keine Anrufe' },
  journalIn: { en: 'Incoming', de: 'Eingehend' },
  journalOut: { en: 'Outgoing', de: 'Ausgehend' },
  journalMissed: { en: 'Missed', de: 'Verpasst' },
  seconds: { en: '{0} s', de: '{0} s' },
  journalCount: { en: '{0} of {1} calls', de: '{0} von {1} Anrufen' },
} as const;

export type RehearsalTextKey = keyof typeof REHEARSAL_TEXT;

export interface RehearsalText {
  readonly language: InspectorLanguage;
  t(key: RehearsalTextKey, ...args: (string | number)[]): string;
  /** The text of a key built at run time (a state name); `fallback` when there is none. */
  maybe(key: string, fallback: string): string;
}

/** The texts for `language` (VS Code's display language, e.g. from `<html lang>`). */
export function rehearsalText(language: string): RehearsalText {
  const lang = inspectorLanguage(language);
  return {
    language: lang,
    t: (key, ...args) => format(REHEARSAL_TEXT[key][lang], ...args),
    maybe: (key, fallback) =>
      Object.prototype.hasOwnProperty.call(REHEARSAL_TEXT, key)
        ? REHEARSAL_TEXT[key as RehearsalTextKey][lang]
        : fallback,
  };
}
