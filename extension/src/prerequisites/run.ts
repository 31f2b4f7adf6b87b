import { performance } from 'node:perf_hooks';
import { summarize, type PrerequisitesReport, type PrerequisiteResult } from '../../../shared/schemas/prerequisites.js';
import type { PbxApi } from '../pbx/api.js';
import { checkBrowser, type BrowserProbe } from './browser.js';
import { checkNetwork } from './network.js';
import { loadPbxFacts, notAdminNotice, pbxResults, teamsAppResult } from './pbxChecks.js';
import { checkProxy, type SystemProxyReader } from './proxy.js';
import { PbxError } from '../pbx/restClient.js';
import { mergeRehearsal, rehearsalUnavailable, rehearseSignIn, type RehearsalInput } from './rehearsal.js';
import { rule, sortResults, toResult } from './result.js';

export interface MachineOptions {
  /** R6 targets; default the guide's three hosts. */
  hosts?: string[];
  /** R6 port; default 443. */
  port?: number;
  /** Bound of each network stage and each probe command; default 3000 ms. */
  timeoutMs?: number;
  /** R6: trusted CAs instead of Node's bundle. */
  ca?: string | Buffer;
  /** VS Code's `http.proxy` (R7). */
  vscodeProxy?: string;
  /** VS Code's `http.noProxy` (R7). */
  vscodeNoProxy?: string[];
  /** VS Code's `http.proxySupport` (R7): "off" ignores `http.proxy`. */
  vscodeProxySupport?: string;
  /** R7's environment; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** R5's view of the machine; default the real one. */
  browserProbe?: BrowserProbe;
  /** R7's desktop settings; false skips them. Default the real ones. */
  systemProxy?: false | SystemProxyReader;
}

export interface PrerequisitesOptions {
  /** Logins or ids; default every user with the right "Integration mit Microsoft Teams" or a Teams licence. */
  users?: string[];
  /** R5–R7 on this machine; false leaves them out of the report. Default: checked with the defaults. */
  machine?: false | MachineOptions;
  /** R1's minimum; default 6.7.3.11. */
  minVersion?: string;
  /** The PBX's FQDN, offered as R14's fix. */
  pbxName?: string;
  /** A Teams sign-in rehearsal decides R21 (simulator only); without it R21 is unknown. */
  signIn?: RehearsalInput;
}

async function machineResults(m: MachineOptions): Promise<PrerequisiteResult[]> {
  const timeoutMs = m.timeoutMs ?? 3000;
  return Promise.all([
    checkBrowser(m.browserProbe, timeoutMs),
    checkNetwork({
      ...(m.hosts ? { hosts: m.hosts } : {}),
      port: m.port ?? 443,
      timeoutMs,
      ...(m.ca ? { ca: m.ca } : {}),
    }),
    checkProxy({
      env: m.env ?? process.env,
      ...(m.vscodeProxy ? { vscodeProxy: m.vscodeProxy } : {}),
      ...(m.vscodeNoProxy ? { vscodeNoProxy: m.vscodeNoProxy } : {}),
      ...(m.vscodeProxySupport ? { vscodeProxySupport: m.vscodeProxySupport } : {}),
      ...(m.systemProxy !== undefined ? { system: m.systemProxy } : {}),
      timeoutMs,
    }),
  ]);
}

/**
 * The whole prerequisites check: the PBX (R1–R4, R8–R19 through the shared rules, per user for the chosen users),
 * this machine (R5–R7, in parallel with the PBX), the Teams app (R20: unknown, no API shows it) and the sign-in (R21:
 * from a rehearsal when one is asked for, else unknown). Throws a PrerequisitesUsageError for an unknown user and the
 * PBX's error when it cannot be read.
 */
export async function checkPrerequisites(api: PbxApi, opts: PrerequisitesOptions = {}): Promise<PrerequisitesReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const [facts, machine] = await Promise.all([
    loadPbxFacts(api, {
      ...(opts.users ? { users: opts.users } : {}),
      ...(opts.minVersion ? { minVersion: opts.minVersion } : {}),
      ...(opts.pbxName ? { pbxName: opts.pbxName } : {}),
    }),
    opts.machine === false ? Promise.resolve([]) : machineResults(opts.machine ?? {}),
  ]);
  let results = [...pbxResults(facts), ...machine, teamsAppResult(facts)];
  if (opts.signIn) {
    try {
      results = mergeRehearsal(results, await rehearseSignIn(api, opts.signIn, facts.selected));
    } catch (err) {
      // A real STARFACE has no rehearsal endpoint: the rest of the report stands.
      if (!(err instanceof PbxError && (err.isNotFound || err.status === 405))) throw err;
      results.push(rehearsalUnavailable());
    }
  } else {
    results.push(toResult('R21', rule('R21').check(facts.snapshot)));
  }
  const sorted = sortResults(
    results,
    facts.selected.map((u) => u.id),
  );
  return {
    target: api.client.baseUrl,
    pbxVersion: facts.snapshot.version ?? undefined,
    simulator: facts.simulator,
    startedAt,
    durationMs: Math.round((performance.now() - t0) * 10) / 10,
    users: facts.selected.map((u) => ({ id: u.id, login: u.login, name: u.name })),
    results: sorted,
    summary: summarize(sorted),
    ...(facts.notAdmin !== undefined ? { incomplete: notAdminNotice(facts.notAdmin) } : {}),
  };
}
