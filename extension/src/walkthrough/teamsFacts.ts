import { SIM_SERVICES, type SimEvent } from '../../../shared/schemas/events.js';

/**
 * What the walkthrough knows only from the Teams app's traffic at the PBX (the simulator's `sim.events.teams`):
 * no REST resource shows whether the app is installed (R20) or whether a user signed in with it (R21).
 */
export interface TeamsFacts {
  /** A Teams sign-in reached the PBX: the app is installed somewhere. */
  appSeen: boolean;
  /** The last sign-in, until something it depended on changes. */
  lastSignIn?: { ok: boolean; login: string; unmet: string[] };
}

export const NO_TEAMS_FACTS: TeamsFacts = { appSeen: false };

/**
 * Changes after which an earlier sign-in proves nothing: the configuration, the connector, licences, users and
 * their rights decide a sign-in, so the walkthrough asks for a new one instead of keeping a stale tick.
 */
const INVALIDATING = new Set<string>([
  SIM_SERVICES.config,
  SIM_SERVICES.connector,
  SIM_SERVICES.licences,
  SIM_SERVICES.users,
  SIM_SERVICES.server,
]);

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The facts after these events, in order. */
export function foldTeamsEvents(facts: TeamsFacts, events: readonly SimEvent[]): TeamsFacts {
  let out = facts;
  for (const e of events) {
    if (e.service === SIM_SERVICES.teams && (e.event === 'sign-in' || e.event === 'sign-in-refused')) {
      const login = typeof e.data.login === 'string' ? e.data.login : '';
      out = { appSeen: true, lastSignIn: { ok: e.event === 'sign-in', login, unmet: strings(e.data.unmet) } };
    } else if (INVALIDATING.has(e.service) && out.lastSignIn) {
      out = { appSeen: out.appSeen };
    }
  }
  return out;
}
