import { DIAL_NUMBER_PATTERN } from '../../../shared/dialNumber.js';
import { requirementById } from '../../../shared/requirements/rules.js';
import { CALL_EVENT_SERVICE, CALL_STATE_EVENT, CallStateSchema } from '../../../shared/schemas/calls.js';
import { SIM_SERVICES, type SimEvent } from '../../../shared/schemas/events.js';
import type { PrerequisiteFix, PrerequisiteResult } from '../../../shared/schemas/prerequisites.js';
import {
  RehearsalWebviewMessageSchema,
  type RehearsalCall,
  type RehearsalContact,
  type RehearsalHostMessage,
  type RehearsalJournalEntry,
  type RehearsalRequirement,
  type RehearsalWebviewMessage,
} from '../../../shared/schemas/teamsRehearsal.js';
import {
  USER_STATE_EVENT,
  USER_STATE_SERVICE,
  UciUserStateSchema,
  type UciMethodKey,
} from '../../../shared/schemas/uci.js';
import type { PbxApi } from '../pbx/api.js';
import { PbxError } from '../pbx/restClient.js';
import { fixTitle } from '../prerequisites/fixes.js';
import { rehearseSignIn, type RehearsalInput } from '../prerequisites/rehearsal.js';
import { pick, type Translate } from '../text/i18n.js';

/** The signed-in user's UCI session as the rehearsal uses it (pbx/uciJsonRpcClient.ts; a fake in tests). */
export interface RehearsalUci {
  call(method: UciMethodKey, params: Record<string, unknown>): Promise<unknown>;
  onEvent: (event: SimEvent) => void;
  onClose: (reason: string) => void;
  close(): void;
}

/** A PBX user as a contact: the simulator's users carry their extension. */
export interface RehearsalUser {
  id: number;
  login: string;
  firstName?: string | undefined;
  familyName?: string | undefined;
  extension?: string | undefined;
}

export interface TeamsRehearsalDeps {
  /** The connection's REST API (the admin's): the sign-in rehearsal and the prerequisites check. */
  api: PbxApi;
  /** VS Code's display language, for the texts the host sends. */
  language: () => string;
  t: Translate;
  /** The PBX's users, for the contact search and for naming the user. */
  users: () => readonly RehearsalUser[];
  /** Opens a UCI session signed in as `login` (its token made from the password; never logged). */
  openUci: (login: string, password: string) => Promise<RehearsalUci>;
  /** The prerequisites results for one login (with their fixes), to offer a Fix beside each unmet requirement. */
  check: (login: string) => Promise<PrerequisiteResult[]>;
  /** Applies a fix (asking the user first); true when it was applied. */
  applyFix: (fix: PrerequisiteFix) => Promise<boolean>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

const JOURNAL_LIMIT = 50;
const CONTACT_LIMIT = 20;
const INCOMING_STATES = new Set(['INCOMING', 'RINGING']);

/**
 * The state of one rehearsal of the STARFACE App for Teams and the handling of its webview's messages: the sign-in
 * as the PBX judges it (every unmet requirement with its fixes and the guide's wording), then, signed in, the user's
 * UCI session: presence, click-to-dial, the user's calls and call journal. Holds the password only while signed in
 * or refused (to sign in again after a fix); never sends it or the key to the webview, never logs them.
 */
export class TeamsRehearsal {
  private post: (m: RehearsalHostMessage) => void = () => {};
  private uci: RehearsalUci | undefined;
  private input: RehearsalInput | undefined;
  private login = '';
  /** What the webview shows now, sent again when it loads anew (a hidden panel without retained context). */
  private view: RehearsalHostMessage[] = [];
  private presence: RehearsalHostMessage | undefined;
  private journal: RehearsalHostMessage | undefined;
  private readonly calls = new Map<string, RehearsalCall>();
  private fixes = new Map<string, PrerequisiteFix[]>();
  /** Bumped by every sign-in and sign-out: the answer of an older one changes nothing. */
  private run = 0;
  /** Invalid messages refused (a test hook). */
  rejected = 0;

  constructor(
    private readonly deps: TeamsRehearsalDeps,
    private readonly init: () => { connection: string | null; simulator: boolean; pbxName: string },
  ) {}

  /** Where host messages go (the current webview); replaced when the panel is opened again. */
  attach(post: (m: RehearsalHostMessage) => void): void {
    this.post = post;
  }

  get signedIn(): boolean {
    return this.uci !== undefined;
  }

  /** A message from the webview: validated with the contract, anything else refused. True when accepted. */
  async receive(raw: unknown): Promise<boolean> {
    const parsed = RehearsalWebviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.rejected++;
      const type =
        raw && typeof raw === 'object' && 'type' in raw
          ? String((raw as { type: unknown }).type).slice(0, 40)
          : typeof raw;
      this.deps.log('warn', `teams rehearsal: ignored an invalid webview message (${type})`);
      return false;
    }
    try {
      await this.handle(parsed.data);
    } catch (err) {
      this.deps.log('error', `teams rehearsal: ${parsed.data.type} failed: ${(err as Error).message}`);
      this.post({ type: 'error', message: clip((err as Error).message) });
    }
    return true;
  }

  dispose(): void {
    this.signOut();
    this.post = () => {};
  }

  private async handle(m: RehearsalWebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.ready();
      case 'signIn':
        return this.signIn({
          pbxName: m.pbxName,
          login: m.login,
          password: m.password,
          ...(m.keyFile !== undefined ? { keyFile: m.keyFile } : { key: m.key! }),
        });
      case 'fix':
        return this.fix(m.requirement, m.index);
      case 'dial':
        return this.dial(m.number);
      case 'search':
        this.post({ type: 'contacts', query: m.query, contacts: this.search(m.query) });
        return;
      case 'hangup':
        await this.requireUci().call('hangupCall', { callId: m.callId });
        return;
      case 'refreshJournal':
        return this.refreshJournal();
      case 'signOut':
        this.signOut();
        this.post({ type: 'signedOut' });
        return;
    }
  }

  private ready(): void {
    const init = this.init();
    this.post({
      type: 'init',
      language: this.deps.language(),
      connection: init.connection,
      simulator: init.simulator,
      pbxName: this.input?.pbxName ?? init.pbxName,
      login: this.input?.login ?? '',
    });
    for (const m of this.view) this.post(m);
    if (this.presence) this.post(this.presence);
    for (const call of this.calls.values()) this.post({ type: 'call', call });
    if (this.journal) this.post(this.journal);
  }

  /** Signs in as the app does; on a real PBX (no rehearsal endpoint) straight on to UCI. */
  async signIn(input: RehearsalInput): Promise<void> {
    this.signOut();
    const run = this.run;
    this.input = input;
    this.login = input.login;
    let rehearsed = true;
    let name = input.login;
    let pbxName = input.pbxName;
    try {
      const outcome = await rehearseSignIn(this.deps.api, input, this.deps.users());
      if (run !== this.run) return;
      if (!outcome.ok) return await this.refused(outcome.results, run);
    } catch (err) {
      if (!(err instanceof PbxError && (err.isNotFound || err.status === 405))) throw err;
      rehearsed = false;
    }
    const user = this.deps.users().find((u) => u.login === input.login);
    if (user) name = [user.firstName, user.familyName].filter(Boolean).join(' ') || input.login;
    const uci = await this.deps.openUci(input.login, input.password);
    if (run !== this.run) {
      uci.close();
      return;
    }
    this.uci = uci;
    uci.onEvent = (e) => this.onEvent(e);
    uci.onClose = (reason) => {
      if (this.uci !== uci) return;
      this.uci = undefined;
      this.deps.log('warn', `teams rehearsal: the UCI session of ${this.login} ended (${reason})`);
      this.post({ type: 'error', message: this.deps.t('The UCI connection of {0} ended ({1}).', this.login, reason) });
    };
    this.deps.log(
      'info',
      `teams rehearsal: ${input.login} signed in${rehearsed ? '' : ' (not rehearsed: no simulator)'}`,
    );
    pbxName = input.pbxName;
    this.view = [{ type: 'signedIn', login: input.login, name, pbxName, rehearsed }];
    this.post(this.view[0]!);
    // The whole phone book at first, as the app opens on its contacts.
    this.post({ type: 'contacts', query: '', contacts: this.search('') });
    await uci.call('subscribeEvents', { services: [CALL_EVENT_SERVICE, USER_STATE_SERVICE, SIM_SERVICES.callJournal] });
    await Promise.all([this.refreshPresence(), this.refreshJournal()]);
  }

  private async refused(results: PrerequisiteResult[], run: number): Promise<void> {
    const language = this.deps.language();
    const [r21, ...others] = results;
    let report: PrerequisiteResult[] = [];
    try {
      report = await this.deps.check(this.login);
    } catch (err) {
      // Without the report (not an administrator, an unknown login) the requirements are shown without a Fix.
      this.deps.log('warn', `teams rehearsal: no prerequisites report for fixes: ${(err as Error).message}`);
    }
    if (run !== this.run) return;
    this.fixes = new Map();
    const requirements: RehearsalRequirement[] = [];
    for (const r of others.length ? others : r21 ? [r21] : []) {
      const perUser = requirementById(r.id)?.scope === 'user';
      const fixes = report.find((x) => x.id === r.id && (!perUser || x.user === this.login))?.fixes ?? [];
      this.fixes.set(r.id, fixes);
      requirements.push({
        id: r.id,
        title: clip(r.i18n ? pick(r.i18n.title, language) : r.title),
        message: clip(r.i18n ? pick(r.i18n.message, language) : r.message),
        guide: clip(r.guide),
        fixes: fixes.map((f, index) => ({ index, title: clip(pick(fixTitle(f), language)) })),
      });
    }
    const summary = r21 ? clip(r21.i18n ? pick(r21.i18n.message, language) : r21.message) : '';
    this.view = [{ type: 'refused', login: this.login, summary, requirements }];
    this.deps.log('info', `teams rehearsal: ${this.login} refused (${requirements.map((r) => r.id).join(', ')})`);
    this.post(this.view[0]!);
  }

  private async fix(requirement: string, index: number): Promise<void> {
    const fix = this.fixes.get(requirement)?.[index];
    if (!fix) throw new Error(this.deps.t('That fix is no longer offered: sign in again.'));
    if (!(await this.deps.applyFix(fix))) return;
    // The app's sign-in again, with what the user typed, so the panel shows what is still missing.
    if (this.input) await this.signIn(this.input);
  }

  private async dial(number: string): Promise<void> {
    await this.requireUci().call('placeCallWithPhone', { destination: number });
    this.deps.log('info', `teams rehearsal: ${this.login} calls ${number}`);
  }

  /** PBX users whose name, login or number contains the query. */
  private search(query: string): RehearsalContact[] {
    const q = query.trim().toLowerCase();
    const out: RehearsalContact[] = [];
    for (const u of this.deps.users()) {
      const name = [u.firstName, u.familyName].filter(Boolean).join(' ') || u.login;
      const number = u.extension ?? u.login;
      if (u.login === this.login || !DIAL_NUMBER_PATTERN.test(number)) continue;
      if (q && ![name, u.login, number].some((s) => s.toLowerCase().includes(q))) continue;
      out.push({ name: clip(name), number });
      if (out.length >= CONTACT_LIMIT) break;
    }
    return out;
  }

  private async refreshPresence(): Promise<void> {
    const state = UciUserStateSchema.safeParse(await this.requireUci().call('getUserState', {}));
    if (state.success) this.showPresence(state.data);
  }

  private showPresence(s: { chatPresence: string; telephonyState: string; chatPresenceMessage: string }): void {
    this.presence = {
      type: 'presence',
      presence: {
        chatPresence: s.chatPresence,
        telephonyState: s.telephonyState,
        message: clip(s.chatPresenceMessage),
      },
    };
    this.post(this.presence);
  }

  private async refreshJournal(): Promise<void> {
    const page = (await this.requireUci().call('getCallList', { limit: JOURNAL_LIMIT })) as {
      entries?: unknown;
      totalCount?: unknown;
    };
    const entries = Array.isArray(page?.entries) ? page.entries.flatMap(journalEntry) : [];
    this.journal = {
      type: 'journal',
      entries,
      total: typeof page?.totalCount === 'number' ? page.totalCount : entries.length,
    };
    this.post(this.journal);
  }

  private onEvent(e: SimEvent): void {
    const mine = e.data.login === this.login;
    if (!mine) return;
    if (e.service === USER_STATE_SERVICE && e.event === USER_STATE_EVENT) {
      const s = UciUserStateSchema.safeParse(e.data);
      if (s.success) this.showPresence(s.data);
      return;
    }
    if (e.service === CALL_EVENT_SERVICE && e.event === CALL_STATE_EVENT) {
      const s = CallStateSchema.safeParse(e.data);
      if (!s.success) return;
      const call = callView(s.data, this.calls.get(s.data.id));
      if (call.state === 'HANGUP') this.calls.delete(call.id);
      else this.calls.set(call.id, call);
      this.post({ type: 'call', call });
      return;
    }
    if (e.service === SIM_SERVICES.callJournal)
      this.refreshJournal().catch((err: unknown) =>
        this.deps.log('warn', `teams rehearsal: call journal: ${(err as Error).message}`),
      );
  }

  private requireUci(): RehearsalUci {
    if (!this.uci) throw new Error(this.deps.t('Sign in first.'));
    return this.uci;
  }

  private signOut(): void {
    this.run++;
    const uci = this.uci;
    this.uci = undefined;
    uci?.close();
    this.view = [];
    this.presence = undefined;
    this.journal = undefined;
    this.calls.clear();
    this.fixes.clear();
    this.input = undefined;
  }
}

const clip = (s: string): string => (s.length > 2000 ? `${s.slice(0, 1999)}…` : s);

/** A call state as the user's app shows it: which way (from its first state) and the other party. */
export function callView(
  s: {
    id: string;
    state: RehearsalCall['state'];
    callerNumber: string;
    callerName: string;
    calledNumber: string;
    calledName: string;
  },
  known?: RehearsalCall,
): RehearsalCall {
  const incoming = known?.incoming ?? INCOMING_STATES.has(s.state);
  return {
    id: s.id,
    state: s.state,
    incoming,
    number: (incoming ? s.callerNumber : s.calledNumber).slice(0, 100),
    name: clip(incoming ? s.callerName : s.calledName),
  };
}

/** One getCallList entry (JSON-RPC: startTime as an ISO string); anything malformed is left out. */
export function journalEntry(raw: unknown): RehearsalJournalEntry[] {
  if (!raw || typeof raw !== 'object') return [];
  const e = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const incoming = e.direction === 'INBOUND';
  const time = e.startTime instanceof Date ? e.startTime.toISOString() : str(e.startTime);
  if (typeof e.id !== 'string' || !time) return [];
  return [
    {
      id: e.id.slice(0, 128),
      time: time.slice(0, 40),
      incoming,
      missed: e.result === 'MISSED',
      number: (incoming ? str(e.callerNumber) : str(e.calledNumber)).slice(0, 100),
      name: clip(str(e.callDescription) || (incoming ? str(e.callerName) : str(e.calledName))),
      durationSec: typeof e.duration === 'number' && Number.isInteger(e.duration) && e.duration >= 0 ? e.duration : 0,
    },
  ];
}
