import type { Connection } from '../../../shared/schemas/connection.js';
import { Emitter } from './emitter.js';
import { DescribedError } from '../text/errorText.js';
import { PbxSession, type UciLiveSettings } from './pbxSession.js';

/** Every configured connection's session, and which one is selected. */
export class SessionManager {
  private readonly sessions = new Map<string, PbxSession>();
  private subscriptions = new Map<string, { dispose(): void }>();
  private _selected: string | undefined;
  private readonly changed = new Emitter<PbxSession | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void = () => {},
    /** starface.uci.*, read when a session starts following live events. */
    private readonly liveSettings?: () => UciLiveSettings,
    /** A connection's transport with its certificate trust (CA, pin, prompt); default: Node's CAs only. */
    private readonly transportFor?: (connection: Connection) => typeof fetch,
  ) {}

  /** Replaces the connection list; sessions of unchanged connections are kept signed in. */
  setConnections(connections: Connection[]): void {
    const next = new Map(connections.map((c) => [c.name, c]));
    for (const [name, session] of this.sessions) {
      const c = next.get(name);
      if (
        !c ||
        c.url !== session.connection.url ||
        c.login !== session.connection.login ||
        c.kind !== session.connection.kind ||
        c.auth !== session.connection.auth
      ) {
        this.drop(name);
      }
    }
    for (const c of connections) {
      if (this.sessions.has(c.name)) continue;
      const session = new PbxSession(c, this.log, undefined, this.liveSettings, undefined, this.transportFor?.(c));
      this.sessions.set(c.name, session);
      this.subscriptions.set(
        c.name,
        session.onDidChange((s) => this.changed.fire(s)),
      );
    }
    if (this._selected && !this.sessions.has(this._selected)) this._selected = undefined;
    this._selected ??= connections[0]?.name;
    this.changed.fire(undefined);
  }

  get all(): PbxSession[] {
    return [...this.sessions.values()];
  }

  get(name: string): PbxSession | undefined {
    return this.sessions.get(name);
  }

  get selected(): PbxSession | undefined {
    return this._selected ? this.sessions.get(this._selected) : undefined;
  }

  select(name: string): void {
    if (!this.sessions.has(name)) throw new DescribedError({ code: 'NO_SUCH_CONNECTION', name });
    this._selected = name;
    this.changed.fire(undefined);
  }

  dispose(): void {
    for (const name of [...this.sessions.keys()]) this.drop(name);
    this.changed.dispose();
  }

  private drop(name: string): void {
    const session = this.sessions.get(name);
    this.subscriptions.get(name)?.dispose();
    this.subscriptions.delete(name);
    this.sessions.delete(name);
    if (session) {
      void session.signOut();
      session.dispose();
    }
  }
}
