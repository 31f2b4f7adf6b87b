import type { SimEvent } from '../../../shared/schemas/events.js';
import type { PbxFacts } from '../prerequisites/pbxChecks.js';
import { loadWalkthroughFacts } from '../walkthrough/facts.js';
import { evaluateSteps, type StepId, type StepState } from '../walkthrough/steps.js';
import { foldTeamsEvents, NO_TEAMS_FACTS, type TeamsFacts } from '../walkthrough/teamsFacts.js';
import { Emitter } from './emitter.js';
import type { PbxSession } from './pbxSession.js';
import type { SessionManager } from './sessions.js';

export type LoadFacts = (session: PbxSession) => Promise<PbxFacts>;

/**
 * The walkthrough's steps for the selected connection, judged by the shared rules on the PBX's live state. The
 * session reloads the PBX on every PBX event (its live source); each reload makes this load the rules' facts
 * again, so nothing here polls. Teams sign-ins are read from the events themselves (no resource shows them).
 */
export class WalkthroughModel {
  private _states: StepState[] = evaluateSteps(undefined, NO_TEAMS_FACTS);
  private facts: PbxFacts | undefined;
  /** The session's PBX data the facts were last loaded for. */
  private judged: unknown;
  private readonly teams = new Map<string, TeamsFacts>();
  private readonly listening = new Map<PbxSession, { dispose(): void }>();
  private loading: Promise<void> | undefined;
  private loadAgain = false;
  private disposed = false;
  private readonly changed = new Emitter<StepState[]>();
  /** Fires when a step's state (status, messages or fixes) changed. */
  readonly onDidChange = this.changed.event;
  private readonly following: { dispose(): void };

  constructor(
    private readonly sessions: SessionManager,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void = () => {},
    private readonly load: LoadFacts = (s) => loadWalkthroughFacts(s.api, s.connection.login),
  ) {
    this.following = sessions.onDidChange((s) => {
      if (s === undefined) this.listenToSessions();
      if (s !== undefined && s !== this.sessions.selected) return;
      // A session also fires when it only redraws (a call journal entry): the PBX data it loaded is the same object
      // then, and nothing the rules read can have changed.
      const seen = this.session?.data;
      if (s !== undefined && seen !== undefined && seen === this.judged) return;
      void this.reload();
    });
    this.listenToSessions();
    void this.reload();
  }

  get states(): readonly StepState[] {
    return this._states;
  }

  state(id: StepId): StepState {
    return this._states.find((s) => s.id === id)!;
  }

  /** The connection the steps are judged on, when it is signed in. */
  get session(): PbxSession | undefined {
    const s = this.sessions.selected;
    return s?.state === 'ready' ? s : undefined;
  }

  /** Loads the facts again now; concurrent calls fold into one more load, and the last load's outcome wins. */
  reload(): Promise<void> {
    if (this.loading) {
      this.loadAgain = true;
      return this.loading;
    }
    this.loading = (async () => {
      // Yield first: without a PBX nothing below awaits, and `finally` would clear `loading` before it is set.
      await Promise.resolve();
      try {
        do {
          this.loadAgain = false;
          const session = this.session;
          this.judged = session?.data;
          try {
            this.facts = session ? await this.load(session) : undefined;
          } catch (err) {
            this.facts = undefined;
            this.log('warn', `walkthrough: reading ${session?.connection.name} failed: ${(err as Error).message}`);
          }
        } while (this.loadAgain && !this.disposed);
        this.publish();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  dispose(): void {
    this.disposed = true;
    this.following.dispose();
    for (const d of this.listening.values()) d.dispose();
    this.listening.clear();
    this.changed.dispose();
  }

  private teamsOf(session: PbxSession | undefined): TeamsFacts {
    return (session && this.teams.get(session.connection.name)) ?? NO_TEAMS_FACTS;
  }

  private publish(): void {
    if (this.disposed) return;
    const next = evaluateSteps(this.facts, this.teamsOf(this.session));
    if (JSON.stringify(next) === JSON.stringify(this._states)) return;
    this._states = next;
    this.changed.fire(next);
  }

  private onEvents(session: PbxSession, events: SimEvent[]): void {
    const name = session.connection.name;
    const before = this.teams.get(name) ?? NO_TEAMS_FACTS;
    const after = foldTeamsEvents(before, events);
    if (after === before) return;
    this.teams.set(name, after);
    // The session reloads the PBX for these events and the reload re-judges every step; a sign-in alone changes
    // nothing the PBX shows, so judge again now as well.
    if (session === this.sessions.selected) this.publish();
  }

  /** Follows the events of every session; a session that is gone forgets its Teams sign-ins. */
  private listenToSessions(): void {
    const all = new Set(this.sessions.all);
    for (const [session, d] of this.listening) {
      if (all.has(session)) continue;
      d.dispose();
      this.listening.delete(session);
      this.teams.delete(session.connection.name);
    }
    for (const session of all) {
      if (this.listening.has(session)) continue;
      const events = session.onDidReceiveEvents((e) => this.onEvents(session, e));
      const state = session.onDidChange((s) => {
        // Signed out or in again: earlier sign-ins belong to a PBX state this session no longer follows.
        if (s.state !== 'ready') this.teams.delete(s.connection.name);
      });
      this.listening.set(session, {
        dispose: () => {
          events.dispose();
          state.dispose();
        },
      });
    }
  }
}
