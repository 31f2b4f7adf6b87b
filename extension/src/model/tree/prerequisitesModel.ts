import { requirementById } from '../../../../shared/requirements/rules.js';
import type {
  PrerequisiteFix,
  PrerequisitesReport,
  PrerequisiteResult,
  PrerequisiteStatus,
} from '../../../../shared/schemas/prerequisites.js';
import { SIM_SERVICES, type SimEvent } from '../../../../shared/schemas/events.js';
import type { PbxData } from '../../pbx/snapshot.js';
import { fixTitle } from '../../prerequisites/fixes.js';
import { Emitter } from '../emitter.js';
import type { PbxSession } from '../pbxSession.js';
import type { SessionManager } from '../sessions.js';
import { pick, type Translate } from '../../text/i18n.js';
import type { Collapsible } from './pbxTreeModel.js';

/**
 * The "Prerequisites" tree as plain data: a prerequisites report grouped into "This machine", "PBX", "Users" (one node
 * per user with their requirements) and "Teams app". The provider maps status to icons; commands read `fixes`.
 */
export interface PrerequisiteNode {
  id: string;
  kind: 'summary' | 'notice' | 'group' | 'user' | 'result';
  label: string;
  description?: string;
  tooltip?: string;
  status?: PrerequisiteStatus;
  /** Space-free flags joined by `.`; `.fixable` when the node has fixes (menus match it). */
  contextValue: string;
  collapsible: Collapsible;
  /** The result behind a `result` node. */
  result?: PrerequisiteResult;
  fixes: PrerequisiteFix[];
  children?: PrerequisiteNode[];
}

export interface PrerequisitesContext {
  t: Translate;
  language: string;
}

/** Worst first: a group shows the worst status of what it holds. */
const SEVERITY: Record<PrerequisiteStatus, number> = { fail: 3, warn: 2, unknown: 1, pass: 0 };

export function worst(statuses: Iterable<PrerequisiteStatus>): PrerequisiteStatus {
  let out: PrerequisiteStatus = 'pass';
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[out]) out = s;
  return out;
}

type Group = 'machine' | 'pbx' | 'users' | 'teams';

/** Per-user results go under "Users"; the rest by the requirement's scope in the shared rules. */
function groupOf(result: PrerequisiteResult): Group {
  if (result.user !== undefined || result.userId !== undefined) return 'users';
  const scope = requirementById(result.id)?.scope;
  if (scope === 'machine') return 'machine';
  if (scope === 'teams') return 'teams';
  if (scope === 'user') return 'users';
  return 'pbx';
}

const idNumber = (id: string) => Number(/\d+/.exec(id)?.[0] ?? 0);
const byId = (a: PrerequisiteResult, b: PrerequisiteResult) => idNumber(a.id) - idNumber(b.id);

export function statusText(status: PrerequisiteStatus, t: Translate): string {
  switch (status) {
    case 'pass':
      return t('pass');
    case 'warn':
      return t('warning');
    case 'fail':
      return t('fail');
    case 'unknown':
      return t('unknown');
  }
}

/** What a fix does, for menus, quick picks and the confirmation, in the UI language. */
export function fixLabel(fix: PrerequisiteFix, language: string): string {
  return pick(fixTitle(fix), language);
}

/** The result's texts in the UI language when the report carries both languages, else its English ones. */
function texts(result: PrerequisiteResult, language: string) {
  const i = result.i18n;
  return {
    title: i
      ? pick(i.title, language)
      : requirementById(result.id)
        ? pick(requirementById(result.id)!.title, language)
        : result.title,
    message: i ? pick(i.message, language) : result.message,
    explanation: i ? pick(i.explanation, language) : result.explanation,
    where: i?.where ? pick(i.where, language) : result.where,
    fix: i?.fix ? pick(i.fix, language) : undefined,
  };
}

export function resultTooltip(result: PrerequisiteResult, ctx: PrerequisitesContext): string {
  const { t } = ctx;
  const x = texts(result, ctx.language);
  const lines = [
    `${result.id} · ${statusText(result.status, t)}${result.user ? ` · ${result.user}` : ''}`,
    x.message,
    '',
    t('Guide: „{0}“', result.guide),
    x.explanation,
  ];
  if (x.where) lines.push(t('Where: {0}', x.where));
  if (x.fix) lines.push(x.fix);
  if (result.fixes.length) lines.push('', ...result.fixes.map((f) => `🔧 ${fixLabel(f, ctx.language)}`));
  return lines.join('\n');
}

/** Result nodes under one parent; a requirement checked more than once there (e.g. per configuration) gets `#n`. */
function resultNodes(results: PrerequisiteResult[], parentId: string, ctx: PrerequisitesContext): PrerequisiteNode[] {
  const seen = new Map<string, number>();
  return [...results].sort(byId).map((r) => {
    const n = (seen.get(r.id) ?? 0) + 1;
    seen.set(r.id, n);
    const node = resultNode(r, parentId, ctx);
    return n === 1 ? node : { ...node, id: `${node.id}#${n}` };
  });
}

function resultNode(result: PrerequisiteResult, parentId: string, ctx: PrerequisitesContext): PrerequisiteNode {
  const fixable = result.fixes.length > 0;
  return {
    id: `${parentId}:${result.id}`,
    kind: 'result',
    label: `${result.id} ${texts(result, ctx.language).title}`,
    description: texts(result, ctx.language).message,
    tooltip: resultTooltip(result, ctx),
    status: result.status,
    contextValue: [
      'prerequisite',
      result.status,
      ...(fixable ? ['fixable'] : []),
      ...(result.fixes.length > 1 ? ['several'] : []),
    ].join('.'),
    collapsible: 'none',
    result,
    fixes: result.fixes,
  };
}

function counts(results: PrerequisiteResult[], t: Translate): string {
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  const unknown = results.filter((r) => r.status === 'unknown').length;
  const parts = [
    failed ? t('{0} failed', failed) : '',
    warned ? t('{0} warnings', warned) : '',
    unknown ? t('{0} unknown', unknown) : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : t('all passed');
}

function groupNode(
  id: string,
  label: string,
  results: PrerequisiteResult[],
  ctx: PrerequisitesContext,
  children?: PrerequisiteNode[],
): PrerequisiteNode {
  const status = worst(results.map((r) => r.status));
  const kids = children ?? resultNodes(results, id, ctx);
  return {
    id,
    kind: 'group',
    label,
    description: counts(results, ctx.t),
    status,
    contextValue: `prerequisiteGroup.${status}`,
    collapsible: status === 'pass' ? 'collapsed' : 'expanded',
    fixes: [],
    children: kids,
  };
}

function usersNode(
  results: PrerequisiteResult[],
  names: PrerequisitesReport['users'],
  ctx: PrerequisitesContext,
): PrerequisiteNode {
  // A per-user requirement checked for nobody (no user chosen or set up) sits right under "Users".
  const general = results.filter((r) => r.user === undefined && r.userId === undefined);
  const byUser = new Map<string, PrerequisiteResult[]>();
  for (const r of results) {
    if (r.user === undefined && r.userId === undefined) continue;
    const key = r.user ?? String(r.userId);
    byUser.set(key, [...(byUser.get(key) ?? []), r]);
  }
  const users = [...byUser.entries()]
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([login, rs]): PrerequisiteNode => {
      const status = worst(rs.map((r) => r.status));
      const id = `prereq:user:${login}`;
      return {
        id,
        kind: 'user',
        label: [login, names?.find((u) => u.login === login)?.name].filter(Boolean).join(' '),
        description: counts(rs, ctx.t),
        status,
        contextValue: `prerequisiteUser.${status}`,
        collapsible: status === 'pass' ? 'collapsed' : 'expanded',
        fixes: [],
        children: resultNodes(rs, id, ctx),
      };
    });
  return groupNode('prereq:users', ctx.t('Users'), results, ctx, [
    ...resultNodes(general, 'prereq:users', ctx),
    ...users,
  ]);
}

/** The summary line, e.g. "12 passed · 1 failed · 2 unknown — 1.2 s". */
export function summaryLine(report: PrerequisitesReport, t: Translate): string {
  const { pass, warn, fail, unknown } = report.summary;
  const parts = [
    t('{0} passed', pass),
    fail ? t('{0} failed', fail) : '',
    warn ? t('{0} warnings', warn) : '',
    unknown ? t('{0} unknown', unknown) : '',
  ].filter(Boolean);
  return `${parts.join(' · ')} — ${(report.durationMs / 1000).toFixed(1)} s`;
}

/** The tree's roots for a report: a summary node, then the groups that have results. */
export function prerequisiteNodes(
  report: PrerequisitesReport,
  ctx: PrerequisitesContext,
  stale = false,
  connection?: string,
): PrerequisiteNode[] {
  const { t } = ctx;
  const groups: Record<Group, PrerequisiteResult[]> = { machine: [], pbx: [], users: [], teams: [] };
  for (const r of report.results) groups[groupOf(r)].push(r);
  const status = worst(report.results.map((r) => r.status));
  const summary: PrerequisiteNode = {
    id: 'prereq:summary',
    kind: 'summary',
    label: connection ?? report.target,
    description: stale ? t('outdated — run again') : summaryLine(report, t),
    tooltip: [
      [connection, report.target].filter(Boolean).join(' · ') + (report.simulator ? ` (${t('simulator')})` : ''),
      report.pbxVersion ? t('Version {0}', report.pbxVersion) : '',
      t('Checked {0}', new Date(report.startedAt).toLocaleString(ctx.language)),
      summaryLine(report, t),
      stale ? t('The connection or its data changed since: run the check again.') : '',
    ]
      .filter(Boolean)
      .join('\n'),
    status,
    contextValue: `prerequisiteSummary${stale ? '.stale' : ''}`,
    collapsible: 'none',
    fixes: [],
  };
  const out = [summary];
  if (report.incomplete) {
    const message = report.incomplete.i18n
      ? pick(report.incomplete.i18n.message, ctx.language)
      : report.incomplete.message;
    out.push({
      id: 'prereq:incomplete',
      kind: 'notice',
      label: t('Incomplete check'),
      description: message,
      tooltip: message,
      status: 'unknown',
      contextValue: 'prerequisiteIncomplete',
      collapsible: 'none',
      fixes: [],
    });
  }
  if (groups.machine.length) out.push(groupNode('prereq:machine', t('This machine'), groups.machine, ctx));
  if (groups.pbx.length) out.push(groupNode('prereq:pbx', t('PBX'), groups.pbx, ctx));
  if (groups.users.length) out.push(usersNode(groups.users, report.users, ctx));
  if (groups.teams.length) out.push(groupNode('prereq:teams', t('Teams app'), groups.teams, ctx));
  return out;
}

/** A Teams sign-in rehearsal's outcome (extension/src/prerequisites/rehearsal.ts). */
export interface Rehearsal {
  ok: boolean;
  login: string;
  results: PrerequisiteResult[];
}

function rehearsalNode(rehearsal: Rehearsal, ctx: PrerequisitesContext): PrerequisiteNode {
  const id = 'prereq:rehearsal';
  const status = worst(rehearsal.results.map((r) => r.status));
  return {
    id,
    kind: 'group',
    label: ctx.t('Sign-in rehearsal: {0}', rehearsal.login),
    description: rehearsal.ok ? ctx.t('signed in') : ctx.t('refused'),
    status,
    contextValue: `prerequisiteRehearsal.${status}`,
    collapsible: 'expanded',
    fixes: [],
    // The order the simulator answered in: R21 first, then what it names as unmet.
    children: rehearsal.results.map((r, i) => ({ ...resultNode({ ...r, fixes: [] }, id, ctx), id: `${id}:${i}` })),
  };
}

/** Every node below `nodes`, depth first. */
export function flatten(nodes: PrerequisiteNode[]): PrerequisiteNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);
}

/** What a report depends on in the loaded PBX data: not the load time, not module log lines. */
function dataFingerprint(data: PbxData | undefined): string {
  if (!data) return '';
  return JSON.stringify([
    data.version,
    data.admin,
    data.users,
    data.licences,
    data.modules,
    data.configurations?.map((c) => c.configuration) ?? null,
  ]);
}

/** Events that change nothing a report depends on: log lines, SIP bindings, Teams sign-in attempts, ended calls. */
const IRRELEVANT_EVENTS = new Set<string>([
  SIM_SERVICES.log,
  SIM_SERVICES.registrar,
  SIM_SERVICES.teams,
  SIM_SERVICES.callJournal,
]);

/**
 * The last report of a connection, and whether it is outdated; the view and the commands share it. A report
 * turns stale (it is not re-run by itself) when another connection is selected, its session leaves `ready`,
 * its loaded data changes, or the PBX sends an event newer than the check.
 */
export class PrerequisitesModel {
  private _report: PrerequisitesReport | undefined;
  private _connection: string | undefined;
  private _stale = false;
  private _running = false;
  private _rehearsal: Rehearsal | undefined;
  private fingerprint = '';
  private watched: { session: PbxSession; sub: { dispose(): void } } | undefined;
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;

  get report(): PrerequisitesReport | undefined {
    return this._report;
  }
  /** The connection the report is about. */
  get connection(): string | undefined {
    return this._connection;
  }
  get stale(): boolean {
    return this._stale;
  }
  get running(): boolean {
    return this._running;
  }

  setRunning(running: boolean): void {
    this._running = running;
    this.changed.fire();
  }

  /** `data`: the session's data the check saw, so that later reloads of the same state do not count as change. */
  setReport(connection: string, report: PrerequisitesReport, data?: PbxData): void {
    this._connection = connection;
    this._report = report;
    this._stale = false;
    this.fingerprint = dataFingerprint(data);
    this.changed.fire();
  }

  /** The selection or the PBX data changed: the report no longer tells the truth, but is kept to read. */
  markStale(): void {
    if (!this._report || this._stale) return;
    this._stale = true;
    this.changed.fire();
  }

  clear(): void {
    this._report = undefined;
    this._connection = undefined;
    this._stale = false;
    this._rehearsal = undefined;
    this.changed.fire();
  }

  /** Marks the report stale on the changes named above; dispose to stop. */
  follow(sessions: SessionManager): { dispose(): void } {
    const check = () => {
      const session = this._connection === undefined ? undefined : sessions.get(this._connection);
      if (this.watched && this.watched.session !== session) {
        this.watched.sub.dispose();
        this.watched = undefined;
      }
      if (session && !this.watched) {
        this.watched = { session, sub: session.onDidReceiveEvents((events) => this.onEvents(events)) };
      }
      if (!this._report || this._stale || this._running) return;
      if (
        !session ||
        sessions.selected !== session ||
        session.state !== 'ready' ||
        dataFingerprint(session.data) !== this.fingerprint
      )
        this.markStale();
    };
    const sub = sessions.onDidChange(check);
    const own = this.changed.event(() => {
      if (this._report && this.watched?.session.connection.name !== this._connection) check();
    });
    return {
      dispose: () => {
        sub.dispose();
        own.dispose();
        this.watched?.sub.dispose();
        this.watched = undefined;
      },
    };
  }

  private onEvents(events: SimEvent[]): void {
    if (!this._report || this._stale || this._running) return;
    const checked = Date.parse(this._report.startedAt);
    if (events.some((e) => !IRRELEVANT_EVENTS.has(e.service) && Date.parse(e.time) > checked)) this.markStale();
  }

  /** The last sign-in rehearsal, shown below the report until the next one. */
  get rehearsal(): Rehearsal | undefined {
    return this._rehearsal;
  }

  setRehearsal(rehearsal: Rehearsal): void {
    this._rehearsal = rehearsal;
    this.changed.fire();
  }

  nodes(ctx: PrerequisitesContext): PrerequisiteNode[] {
    const out = this._report ? prerequisiteNodes(this._report, ctx, this._stale, this._connection) : [];
    if (this._rehearsal) out.push(rehearsalNode(this._rehearsal, ctx));
    return out;
  }

  /** Results of one requirement, optionally of one user (login). */
  results(id: string, user?: string): PrerequisiteResult[] {
    return (this._report?.results ?? []).filter((r) => r.id === id && (user === undefined || r.user === user));
  }

  dispose(): void {
    this.watched?.sub.dispose();
    this.changed.dispose();
  }
}
