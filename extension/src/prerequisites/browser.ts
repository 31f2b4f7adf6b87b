import { access, readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { text } from '../../../shared/i18n.js';
import { MIN_CHROME_VERSION } from '../../../shared/requirements/rules.js';
import type { PrerequisiteResult } from '../../../shared/schemas/prerequisites.js';
import { compareVersions } from '../../../shared/version.js';
import { machineSnapshot, rule, runCommand, toResult } from './result.js';

export type BrowserProduct = 'chrome' | 'chromium' | 'edge';

export interface BrowserVersion {
  product: BrowserProduct | null;
  version: string;
}

export interface FoundBrowser {
  product: BrowserProduct;
  version: string;
  /** The executable, app bundle or registry key it was found by. */
  path: string;
}

/** What R5 needs from the machine; tests pass their own. Every call resolves (null when nothing is there). */
export interface BrowserProbe {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
  /** The command's stdout, or null when it cannot run or fails. */
  run(file: string, args: string[], timeoutMs: number): Promise<string | null>;
  readFile(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  listDir(path: string): Promise<string[] | null>;
}

export const systemProbe = (env: NodeJS.ProcessEnv = process.env): BrowserProbe => ({
  platform: process.platform,
  env,
  home: homedir(),
  run: runCommand,
  readFile: (path) => readFile(path, 'utf8').catch(() => null),
  exists: (path) =>
    access(path).then(
      () => true,
      () => false,
    ),
  listDir: (path) => readdir(path).catch(() => null),
});

const FOUR_PART = /(\d{1,5})\.(\d{1,5})\.(\d{1,5})\.(\d{1,5})/;

/**
 * Reads `--version` output, a plist value or a registry line: "Google Chrome 120.0.6099.109",
 * "Chromium 89.0.4389.114 built on Debian 11.1", "Microsoft Edge 91.0.864.59". Null without a four-part version.
 */
export function parseBrowserVersion(output: string): BrowserVersion | null {
  const m = FOUR_PART.exec(output);
  if (!m) return null;
  const lower = output.toLowerCase();
  const product: BrowserProduct | null = /edge|msedge/.test(lower)
    ? 'edge'
    : /chromium/.test(lower)
      ? 'chromium'
      : /chrome/.test(lower)
        ? 'chrome'
        : null;
  return { product, version: m.slice(1, 5).map(Number).join('.') };
}

const PRODUCT_NAMES: Record<BrowserProduct, string> = {
  chrome: 'Google Chrome',
  chromium: 'Chromium',
  edge: 'Microsoft Edge',
};
const MIN_MAJOR = Number(MIN_CHROME_VERSION.split('.')[0]);

/**
 * Edge numbers its builds itself (91.0.864.59), so only its major version follows Chromium's: above 90 it is newer,
 * 90 may be just below 90.0.4430.72 (warn), below 90 it is older.
 */
export function judgeBrowser(b: { product: BrowserProduct; version: string }): 'pass' | 'warn' | 'fail' {
  if (b.product === 'edge') {
    const major = Number(b.version.split('.')[0]);
    return major > MIN_MAJOR ? 'pass' : major === MIN_MAJOR ? 'warn' : 'fail';
  }
  return compareVersions(b.version, MIN_CHROME_VERSION) >= 0 ? 'pass' : 'fail';
}

const LINUX_COMMANDS: [string, BrowserProduct][] = [
  ['google-chrome', 'chrome'],
  ['google-chrome-stable', 'chrome'],
  ['chromium', 'chromium'],
  ['chromium-browser', 'chromium'],
  ['microsoft-edge', 'edge'],
  ['microsoft-edge-stable', 'edge'],
];

const MAC_APPS: [string, BrowserProduct][] = [
  ['Google Chrome.app', 'chrome'],
  ['Chromium.app', 'chromium'],
  ['Microsoft Edge.app', 'edge'],
];

/** Registry keys where Chrome's updater ("BLBeacon") records the installed version, per user and machine-wide. */
const WINDOWS_KEYS: [string, BrowserProduct][] = [
  ['HKCU\\Software\\Google\\Chrome\\BLBeacon', 'chrome'],
  ['HKLM\\Software\\Google\\Chrome\\BLBeacon', 'chrome'],
  ['HKCU\\Software\\Chromium\\BLBeacon', 'chromium'],
  ['HKCU\\Software\\Microsoft\\Edge\\BLBeacon', 'edge'],
  ['HKLM\\Software\\Microsoft\\Edge\\BLBeacon', 'edge'],
];

const WINDOWS_DIRS: [string, string, BrowserProduct][] = [
  ['ProgramFiles', 'Google\\Chrome\\Application', 'chrome'],
  ['ProgramFiles(x86)', 'Google\\Chrome\\Application', 'chrome'],
  ['LOCALAPPDATA', 'Google\\Chrome\\Application', 'chrome'],
  ['LOCALAPPDATA', 'Chromium\\Application', 'chromium'],
  ['ProgramFiles', 'Microsoft\\Edge\\Application', 'edge'],
  ['ProgramFiles(x86)', 'Microsoft\\Edge\\Application', 'edge'],
];

export function plistVersion(plist: string): string | null {
  const m = /<key>\s*CFBundleShortVersionString\s*<\/key>\s*<string>\s*([^<]+?)\s*<\/string>/.exec(plist);
  return m ? m[1]! : null;
}

async function onPath(probe: BrowserProbe, command: string): Promise<string | null> {
  for (const dir of (probe.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (await probe.exists(candidate)) return candidate;
  }
  return null;
}

async function findLinux(probe: BrowserProbe, timeoutMs: number): Promise<FoundBrowser[]> {
  const found = await Promise.all(
    LINUX_COMMANDS.map(async ([command, product]): Promise<FoundBrowser | null> => {
      const path = await onPath(probe, command);
      if (!path) return null;
      const out = await probe.run(path, ['--version'], timeoutMs);
      const v = out ? parseBrowserVersion(out) : null;
      return v ? { product: v.product ?? product, version: v.version, path } : null;
    }),
  );
  return found.filter((f): f is FoundBrowser => f !== null);
}

async function findMac(probe: BrowserProbe): Promise<FoundBrowser[]> {
  const roots = ['/Applications', join(probe.home, 'Applications')];
  const found = await Promise.all(
    roots.flatMap((root) =>
      MAC_APPS.map(async ([app, product]): Promise<FoundBrowser | null> => {
        const path = join(root, app);
        const plist = await probe.readFile(join(path, 'Contents', 'Info.plist'));
        const version = plist ? plistVersion(plist) : null;
        const v = version ? parseBrowserVersion(version) : null;
        return v ? { product, version: v.version, path } : null;
      }),
    ),
  );
  return found.filter((f): f is FoundBrowser => f !== null);
}

async function findWindows(probe: BrowserProbe, timeoutMs: number): Promise<FoundBrowser[]> {
  const fromRegistry = await Promise.all(
    WINDOWS_KEYS.map(async ([key, product]): Promise<FoundBrowser | null> => {
      const out = await probe.run('reg', ['query', key, '/v', 'version'], timeoutMs);
      const v = out ? parseBrowserVersion(out) : null;
      return v ? { product, version: v.version, path: key } : null;
    }),
  );
  // The installer keeps one folder per version beside the executable (Application\120.0.6099.109\).
  const fromDirs = await Promise.all(
    WINDOWS_DIRS.map(async ([envName, sub, product]): Promise<FoundBrowser | null> => {
      const base = probe.env[envName];
      if (!base) return null;
      const dir = `${base}\\${sub}`;
      const entries = await probe.listDir(dir);
      const versions = (entries ?? []).filter((e) => /^\d+\.\d+\.\d+\.\d+$/.test(e)).sort(compareVersions);
      const newest = versions[versions.length - 1];
      return newest ? { product, version: newest, path: dir } : null;
    }),
  );
  return [...fromRegistry, ...fromDirs].filter((f): f is FoundBrowser => f !== null);
}

/** Every Chrome, Chromium and Edge the probe can find on this platform; duplicates (same product and version) once. */
export async function findBrowsers(probe: BrowserProbe = systemProbe(), timeoutMs = 3000): Promise<FoundBrowser[]> {
  const all =
    probe.platform === 'win32'
      ? await findWindows(probe, timeoutMs)
      : probe.platform === 'darwin'
        ? await findMac(probe)
        : await findLinux(probe, timeoutMs);
  const seen = new Set<string>();
  return all.filter((b) => {
    const k = `${b.product} ${b.version}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const describe = (b: FoundBrowser) => `${PRODUCT_NAMES[b.product]} ${b.version} (${b.path})`;

/** R5: passes when any browser found meets 90.0.4430.72; the message names what was found. */
export function browserResult(found: FoundBrowser[]): PrerequisiteResult {
  if (found.length === 0) return toResult('R5', rule('R5').check(machineSnapshot({ chrome: null })));
  const judged = found.map((b) => ({ b, status: judgeBrowser(b) }));
  const rank = { pass: 0, warn: 1, fail: 2 } as const;
  judged.sort((x, y) => rank[x.status] - rank[y.status]);
  const best = judged[0]!;
  const others = judged.slice(1).map((j) => describe(j.b));
  const also = others.length ? ` Also found: ${others.join(', ')}.` : '';
  const alsoDe = others.length ? ` Außerdem gefunden: ${others.join(', ')}.` : '';
  if (best.status === 'pass') {
    return toResult('R5', {
      status: 'pass',
      message: text(
        `${describe(best.b)} meets ${MIN_CHROME_VERSION}.${also}`,
        `${describe(best.b)} erfüllt ${MIN_CHROME_VERSION}.${alsoDe}`,
      ),
    });
  }
  if (best.status === 'warn') {
    return toResult('R5', {
      status: 'warn',
      message: text(
        `${describe(best.b)} is built on Chromium 90, which may be older than ${MIN_CHROME_VERSION}; check edge://version.${also}`,
        `${describe(best.b)} beruht auf Chromium 90, das älter als ${MIN_CHROME_VERSION} sein kann; edge://version prüfen.${alsoDe}`,
      ),
      fix: text('Update Edge or install Chrome.', 'Edge aktualisieren oder Chrome installieren.'),
    });
  }
  return toResult('R5', {
    status: 'fail',
    message: text(
      `${describe(best.b)} is older than ${MIN_CHROME_VERSION}.${also}`,
      `${describe(best.b)} ist älter als ${MIN_CHROME_VERSION}.${alsoDe}`,
    ),
    fix: text('Update Chrome.', 'Chrome aktualisieren.'),
  });
}

export async function checkBrowser(probe?: BrowserProbe, timeoutMs?: number): Promise<PrerequisiteResult> {
  return browserResult(await findBrowsers(probe, timeoutMs));
}
