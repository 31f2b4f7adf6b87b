import type { SimEvent } from '../../../../shared/schemas/events.js';
import type { StoredUser } from '../../state/model.js';
import { isAdminUser } from '../../auth/uciToken.js';

export interface SessionUser {
  id: number;
  login: string;
  /** Sees every event; otherwise only those about the user (data.userId or data.login). */
  admin: boolean;
}

/** What one UCI connection is: who signed in, what they subscribed to and how far events were delivered. */
export class UciSession {
  user: SessionUser | undefined;
  /** The service names the client subscribed with (its own spelling, e.g. `ucp.v30.events.call`). */
  readonly services = new Set<string>();
  /**
   * For each service the simulator publishes on, the names the client subscribed to it under (usually just
   * that service; a v30 or v20 alias names the same events): a delivery carries each name.
   */
  readonly routes = new Map<string, string[]>();
  /** A v20 client declared `ucp.v20.client.connection` (setProvidedServices): it is told when the simulator stops. */
  resetOnStop = false;
  /** The greatest seq sent as a live notification; a live event at or below it is a duplicate. */
  deliveredSeq = 0;

  signIn(user: StoredUser): SessionUser {
    this.user = { id: user.id, login: user.login, admin: isAdminUser(user) };
    return this.user;
  }

  sees(event: SimEvent): boolean {
    const u = this.user;
    if (!u) return false;
    if (u.admin) return true;
    const d = event.data;
    return d.userId === u.id || d.login === u.login;
  }
}
