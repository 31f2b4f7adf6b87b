/**
 * What the requirement rules look at. Every part may be `null` when the source cannot tell (a real PBX's
 * REST API exposes less than the simulator); rules then answer `unknown` with where to look instead.
 */
import type { Mode } from '../schemas/modules.js';

export interface SnapshotUser {
  id: number;
  login: string;
  name: string;
  licences: string[] | null;
  rights: string[] | null;
  app: { active: boolean; platform: string | null } | null;
}

export interface ConfigSettings {
  mode: Mode;
  pbxName: string;
  autoprovisioning: boolean;
  hasKey: boolean;
}

export interface SnapshotConfiguration extends ConfigSettings {
  id: number;
  name: string;
  module: string;
  active: boolean;
  revision: number;
  connector: { active: boolean; appliedRevision: number | null };
  /** The settings the running connector was started with; null when it is not running. */
  applied: ConfigSettings | null;
  log: { event: string }[] | null;
}

export interface MachineFacts {
  chrome?: { version: string | null; path?: string } | null;
  reachability?: { host: string; ok: boolean; detail: string }[] | null;
  proxy?: { found: boolean; source?: string; value?: string } | null;
}

/** The outcome of one Teams sign-in attempt (R21); absent until one is made. */
export interface SignInFacts {
  credentialsValid: boolean;
  pbxNameMatches: boolean | null;
  keyMatches: boolean | null;
}

export interface PbxSnapshot {
  source: 'simulator' | 'pbx';
  version: string | null;
  minVersion: string;
  licences: { type: string; count: number; used: number }[] | null;
  users: SnapshotUser[] | null;
  modules: { name: string; version: string }[] | null;
  configurations: SnapshotConfiguration[] | null;
  machine?: MachineFacts;
  teamsApp?: { distributed: boolean | null };
  signIn?: SignInFacts;
}

export interface CheckContext {
  /** The user that per-user rules look at. */
  userId?: number;
  /**
   * `admin`: the saved configuration, as the admin UI shows it. `connector`: what the running UCI connector
   * uses, i.e. the revision it was started with — what a Teams sign-in really meets (R17).
   */
  perspective?: 'admin' | 'connector';
}
