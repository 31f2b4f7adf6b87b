import type { StoredUser } from '../state/model.js';

/**
 * Users by login and by extension, rebuilt only when the state changed: a registrar under load looks up a
 * user several times per request, and a PBX may have 10,000 of them.
 */
export class UserDirectory {
  private revision = -1;
  private byLogin = new Map<string, StoredUser>();
  private byExtension = new Map<string, StoredUser>();

  constructor(
    private readonly users: () => readonly StoredUser[],
    private readonly currentRevision: () => number,
  ) {}

  private refresh(): void {
    const rev = this.currentRevision();
    if (rev === this.revision) return;
    this.revision = rev;
    this.byLogin = new Map();
    this.byExtension = new Map();
    for (const u of this.users()) {
      this.byLogin.set(u.login, u);
      if (u.extension !== undefined) this.byExtension.set(u.extension, u);
    }
  }

  login(login: string): StoredUser | undefined {
    this.refresh();
    return this.byLogin.get(login);
  }

  /** A SIP user part names a user by login or, failing that, by extension. */
  userPart(user: string | undefined): StoredUser | undefined {
    if (user === undefined) return undefined;
    this.refresh();
    return this.byLogin.get(user) ?? this.byExtension.get(user);
  }
}
