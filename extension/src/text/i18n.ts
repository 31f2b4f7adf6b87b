import type { Localized } from '../../../shared/i18n.js';
import { format } from '../../../shared/inspectorText.js';

/** `vscode.l10n.t`'s shape: English message with `{0}` placeholders, looked up in the bundle. */
export type Translate = (message: string, ...args: (string | number | boolean)[]) => string;

/** The untranslated formatter, for tests and for code paths without a bundle. */
export const englishOnly: Translate = (message, ...args) => format(message, ...args);

/** Picks the German or the English text of a shared message by the UI language. */
export function pick(text: Localized, language: string): string {
  return language.toLowerCase().startsWith('de') ? text.de : text.en;
}

export function formatAge(ms: number, t: Translate): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return t('just now');
  if (minutes < 60) return t('{0} min ago', minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('{0} h ago', hours);
  return t('{0} days ago', Math.floor(hours / 24));
}
