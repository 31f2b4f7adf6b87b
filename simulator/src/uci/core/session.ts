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
  readonly services = new Set<string>();
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
