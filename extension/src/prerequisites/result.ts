import { execFile } from 'node:child_process';
import type { Localized } from '../../../shared/i18n.js';
import { requirementById, type CheckResult, type Requirement } from '../../../shared/requirements/rules.js';
import type { MachineFacts, PbxSnapshot } from '../../../shared/requirements/snapshot.js';
import type { PrerequisiteFix, PrerequisiteResult, PrerequisiteStatus } from '../../../shared/schemas/prerequisites.js';
import { DEFAULT_MIN_VERSION } from '../../../shared/version.js';

export function rule(id: string): Requirement {
  const r = requirementById(id);
  if (!r) throw new Error(`no requirement ${id} in shared/requirements/rules.ts`);
  return r;
}

/**
 * One result in the report's shape: the rule's guide wording and explanation, the check's message, and `where`
 * when a person has to look (unknown) or act (fail, warn).
 */
export function toResult(
  id: string,
  check: { status: PrerequisiteStatus; message: Localized; fix?: Localized },
  extra: { user?: { id: number; login: string }; fixes?: PrerequisiteFix[] } = {},
): PrerequisiteResult {
  const r = rule(id);
  const showWhere = check.status !== 'pass';
  return {
    id,
    status: check.status,
    ...(extra.user ? { user: extra.user.login, userId: extra.user.id } : {}),
    title: r.title.en,
    message: check.message.en,
    guide: r.guide,
    explanation: r.explanation.en,
    ...(showWhere ? { where: r.where.en } : {}),
    fixes: extra.fixes ?? [],
    i18n: {
      title: r.title,
      message: check.message,
      explanation: r.explanation,
      ...(showWhere ? { where: r.where } : {}),
      ...(check.fix ? { fix: check.fix } : {}),
    },
  };
}

export type { CheckResult };

/** A snapshot holding only this machine's facts, for the machine rules (R5–R7). */
export function machineSnapshot(machine: MachineFacts): PbxSnapshot {
  return {
    source: 'pbx',
    version: null,
    minVersion: DEFAULT_MIN_VERSION,
    licences: null,
    users: null,
    modules: null,
    configurations: null,
    machine,
  };
}

const ORDER = (id: string) => Number(id.slice(1));

/** Guide order (R1 … R21), then the order the users were given in. */
export function sortResults(results: PrerequisiteResult[], userOrder: readonly number[] = []): PrerequisiteResult[] {
  const pos = (r: PrerequisiteResult) => (r.userId === undefined ? -1 : userOrder.indexOf(r.userId));
  return [...results].sort((a, b) => ORDER(a.id) - ORDER(b.id) || pos(a) - pos(b));
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of the answers. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Runs a probe command (a browser's --version, a proxy setting); its output, or null when it fails or times out. */
export function runCommand(file: string, args: string[], timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, windowsHide: true, encoding: 'utf8', maxBuffer: 256 * 1024 },
      (err, stdout) => resolve(err ? null : stdout),
    );
  });
}
