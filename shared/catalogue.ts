import { z } from 'zod';
import type { Localized } from './i18n.js';

/**
 * Licence types as the STARFACE licence manager names them. `type` is the exact string the PBX shows
 * and the REST API uses; `label` explains it.
 */
export const LICENCE_TYPES = [
  {
    type: 'UCC-Client Premium',
    label: { en: 'UCC-Client Premium ("Premium App")', de: 'UCC-Client Premium ("Premium App")' },
  },
  { type: 'MS Teams Integration', label: { en: 'MS Teams integration', de: 'MS Teams Integration' } },
  { type: 'UCC-Client', label: { en: 'UCC client (standard app)', de: 'UCC-Client (Standard-App)' } },
  { type: 'Benutzer', label: { en: 'User', de: 'Benutzer' } },
  { type: 'Fax', label: { en: 'Fax', de: 'Fax' } },
] as const satisfies readonly { type: string; label: Localized }[];

export type LicenceType = (typeof LICENCE_TYPES)[number]['type'];
export const LicenceTypeSchema = z.enum(LICENCE_TYPES.map((l) => l.type) as [LicenceType, ...LicenceType[]]);

export const LICENCE_UCC_PREMIUM: LicenceType = 'UCC-Client Premium';
export const LICENCE_MS_TEAMS: LicenceType = 'MS Teams Integration';

/**
 * Rights (user › tab "Berechtigungen"). `description` is the German name the PBX shows and returns in
 * PermissionInfo; `permission` is the import column's key; 12 and 13 are the Teams guide's additions, 14 is
 * STARFACE 10's.
 */
export const RIGHTS = [
  { id: 1, permission: 'login_perm', description: 'Login', label: { en: 'Login', de: 'Login' } },
  { id: 2, permission: 'callman_perm', description: 'Callmanager', label: { en: 'Call manager', de: 'Callmanager' } },
  { id: 3, permission: 'redirect_perm', description: 'Umleitung', label: { en: 'Call forwarding', de: 'Umleitung' } },
  {
    id: 4,
    permission: 'group_redirect_perm',
    description: 'Gruppe umleiten',
    label: { en: 'Forward group', de: 'Gruppe umleiten' },
  },
  { id: 5, permission: 'calllist_perm', description: 'Ruflisten', label: { en: 'Call lists', de: 'Ruflisten' } },
  { id: 6, permission: 'address_perm', description: 'Adressbuch', label: { en: 'Address book', de: 'Adressbuch' } },
  { id: 7, permission: 'voice_perm', description: 'Voicemail', label: { en: 'Voicemail', de: 'Voicemail' } },
  { id: 8, permission: 'setting_perm', description: 'Einstellungen', label: { en: 'Settings', de: 'Einstellungen' } },
  {
    id: 9,
    permission: 'admin_perm',
    description: 'Administration',
    label: { en: 'Administration', de: 'Administration' },
  },
  {
    id: 10,
    permission: 'admin_user_perm',
    description: 'Benutzer',
    label: { en: 'User administration', de: 'Benutzer' },
  },
  {
    id: 11,
    permission: 'admin_group_perm',
    description: 'Gruppen',
    label: { en: 'Group administration', de: 'Gruppen' },
  },
  {
    id: 12,
    permission: 'app_premium_perm',
    description: 'App Premium-Funktionen',
    label: { en: 'App premium features', de: 'App Premium-Funktionen' },
  },
  {
    id: 13,
    permission: 'msteams_perm',
    description: 'Integration mit Microsoft Teams',
    label: { en: 'Integration with Microsoft Teams', de: 'Integration mit Microsoft Teams' },
  },
  {
    // STARFACE 10's gate of the OAuth password grant (shared/schemas/oauth.ts). The import column's key is not
    // published; this one is the simulator's. Listed at every version: below 10 it grants nothing.
    id: 14,
    permission: 'oauth_password_grant_perm',
    description: 'API Zugriff mit OAuth Password Grant',
    label: { en: 'API access with OAuth password grant', de: 'API Zugriff mit OAuth Password Grant' },
  },
] as const satisfies readonly { id: number; permission: string; description: string; label: Localized }[];

export type RightKey = (typeof RIGHTS)[number]['permission'];
export const RightKeySchema = z.enum(RIGHTS.map((r) => r.permission) as [RightKey, ...RightKey[]]);

export const RIGHT_ADMIN: RightKey = 'admin_perm';
export const RIGHT_LOGIN: RightKey = 'login_perm';
export const RIGHT_APP_PREMIUM: RightKey = 'app_premium_perm';
export const RIGHT_MS_TEAMS: RightKey = 'msteams_perm';
export const RIGHT_OAUTH: RightKey = 'oauth_password_grant_perm';

/** Rights a new user gets when none are given: what a STARFACE user template grants by default. */
export const DEFAULT_USER_RIGHTS: readonly RightKey[] = [
  'login_perm',
  'callman_perm',
  'redirect_perm',
  'calllist_perm',
  'address_perm',
  'voice_perm',
  'setting_perm',
];

export function rightById(id: number) {
  return RIGHTS.find((r) => r.id === id);
}

export function rightByKey(key: string) {
  return RIGHTS.find((r) => r.permission === key);
}

/** Scenario files may name a right by key (`msteams_perm`) or by its German name. */
export function resolveRight(name: string): RightKey | undefined {
  return RIGHTS.find((r) => r.permission === name || r.description === name)?.permission;
}

export const TEAMS_MODULE_NAME = 'Teams Integration';
export const TEAMS_MODULE_VERSION = '1.4.0.7';
export const MODULES = [{ name: TEAMS_MODULE_NAME, version: TEAMS_MODULE_VERSION }] as const;

export const MODE_LABELS = {
  FULL_INTEGRATION: { en: 'Full integration', de: 'Vollständige Integration' },
  PRESENCE_SYNC: { en: 'Presence synchronisation', de: 'Abgleich Präsenzstatus' },
} as const satisfies Record<string, Localized>;
