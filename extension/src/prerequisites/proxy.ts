import { text } from '../../../shared/i18n.js';
import { REQUIRED_HOSTS } from '../../../shared/requirements/rules.js';
import type { PrerequisiteResult } from '../../../shared/schemas/prerequisites.js';
import { machineSnapshot, rule, runCommand, toResult } from './result.js';

export interface ProxyFinding {
  /** "HTTPS_PROXY", "VS Code setting http.proxy", "GNOME proxy settings", … */
  source: string;
  /** The proxy, credentials removed. */
  value: string;
  /** fail: HTTPS to the hosts goes through it; warn: it may (PAC, HTTP_PROXY). */
  severity: 'fail' | 'warn';
  note?: string;
}

/** Reads the desktop's proxy settings; tests pass their own or none. */
export interface SystemProxyReader {
  platform: NodeJS.Platform;
  run(file: string, args: string[], timeoutMs: number): Promise<string | null>;
}

export const systemProxyReader = (): SystemProxyReader => ({
  platform: process.platform,
  run: runCommand,
});

export interface ProxyOptions {
  env?: NodeJS.ProcessEnv;
  /** VS Code's `http.proxy` setting (the caller reads it; domain code knows no vscode). */
  vscodeProxy?: string;
  /** VS Code's `http.noProxy`: hosts VS Code reaches without its proxy. */
  vscodeNoProxy?: readonly string[];
  /** VS Code's `http.proxySupport`; "off" means VS Code does not use `http.proxy` at all. */
  vscodeProxySupport?: string;
  hosts?: readonly string[];
  /** false: skip the desktop settings. Default: this machine's. */
  system?: false | SystemProxyReader;
  timeoutMs?: number;
}

/**
 * A proxy setting as a report may show it: host and port only. User names and passwords (which may hold `/` or
 * `@`) never appear, with or without a scheme; what cannot be read as host:port is not shown at all.
 */
export function redactProxy(value: string): string {
  let rest = value.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  // The credentials end at the last "@": a password may hold "@" or "/" itself.
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = rest.slice(at + 1);
  try {
    const url = new URL(`http://${rest}`);
    if (!url.hostname) throw new Error('no host');
    return url.port ? `${url.hostname}:${url.port}` : url.hostname;
  } catch {
    return '(unparseable proxy setting)';
  }
}

function envValue(env: NodeJS.ProcessEnv, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.+?^$(){}|[\]\\]/g, '\\$&');

/** A bypass pattern as NO_PROXY, Windows ProxyOverride, macOS ExceptionsList or GNOME ignore-hosts write it. */
function bypassMatches(entry: string, host: string): boolean {
  const e = entry.trim().toLowerCase().replace(/:\d+$/, '');
  if (!e || e === '<local>') return e === '<local>' && !host.includes('.');
  if (e === '*') return true;
  if (e.includes('*') && !/^\*?\.[^*]+$/.test(e)) {
    // "10.*", "*.corp.*": a glob over the whole host name.
    const escaped = e.split('*').map(escapeRegExp).join('.*');
    return new RegExp(`^${escaped}$`).test(host);
  }
  const bare = e.replace(/^\*?\./, '');
  return host === bare || host.endsWith(`.${bare}`);
}

/** Does a bypass list exempt `host`? Entries match the host or any subdomain; `*` matches everything. */
export function bypassCovers(entries: readonly string[] | undefined, host: string): boolean {
  if (!entries) return false;
  const h = host.toLowerCase();
  return entries.some((e) => bypassMatches(e, h));
}

/** Does a NO_PROXY list ("localhost,.example.com,*") exempt `host`? Entries match the host or any subdomain. */
export function noProxyCovers(noProxy: string | undefined, host: string): boolean {
  return noProxy ? bypassCovers(noProxy.split(/[\s,]+/), host) : false;
}

/**
 * A proxy with its bypass list: a finding when some host still goes through it (naming those when the list
 * exempts only some), a note when the list exempts every host.
 */
function withBypass(
  finding: ProxyFinding,
  bypass: { name: string; entries: readonly string[] } | undefined,
  hosts: readonly string[],
): { finding?: ProxyFinding; note?: string } {
  const proxied = hosts.filter((h) => !bypassCovers(bypass?.entries, h));
  if (!bypass || hosts.length === 0) return { finding };
  if (proxied.length === 0) return { note: `${finding.source} is set, but ${bypass.name} exempts every host` };
  if (proxied.length < hosts.length) {
    const note = `${bypass.name} exempts only some hosts; still proxied: ${proxied.join(', ')}`;
    return { finding: { ...finding, note: finding.note ? `${finding.note}; ${note}` : note } };
  }
  return { finding };
}

function collect(
  out: { findings: ProxyFinding[]; notes: string[] },
  r: { finding?: ProxyFinding; note?: string },
): void {
  if (r.finding) out.findings.push(r.finding);
  if (r.note) out.notes.push(r.note);
}

/** HTTPS_PROXY/ALL_PROXY (fail unless NO_PROXY exempts every host), HTTP_PROXY alone (warn). */
export function envFindings(
  env: NodeJS.ProcessEnv,
  hosts: readonly string[] = REQUIRED_HOSTS,
): { findings: ProxyFinding[]; notes: string[] } {
  const out = { findings: [] as ProxyFinding[], notes: [] as string[] };
  const noProxy = envValue(env, 'NO_PROXY', 'no_proxy');
  const bypass = noProxy ? { name: noProxy.name, entries: noProxy.value.split(/[\s,]+/) } : undefined;
  for (const found of [envValue(env, 'HTTPS_PROXY', 'https_proxy'), envValue(env, 'ALL_PROXY', 'all_proxy')]) {
    if (found)
      collect(
        out,
        withBypass({ source: found.name, value: redactProxy(found.value), severity: 'fail' }, bypass, hosts),
      );
  }
  const http = envValue(env, 'HTTP_PROXY', 'http_proxy');
  if (http && out.findings.length === 0 && hosts.some((h) => !bypassCovers(bypass?.entries, h))) {
    out.findings.push({
      source: http.name,
      value: redactProxy(http.value),
      severity: 'warn',
      note: 'most clients use it for plain HTTP only, but some send HTTPS through it as well',
    });
  }
  return out;
}

/** `gsettings get` answers with quotes: 'manual', 'proxy.example.com', 3128. */
const unquote = (s: string | null) => (s ?? '').trim().replace(/^'(.*)'$/, '$1');

/** gsettings' string list: ['localhost', '127.0.0.0/8', '::1'] (or "@as []"). */
export function parseGsettingsList(out: string | null): string[] {
  return [...(out ?? '').matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]!);
}

type Found = { findings: ProxyFinding[]; notes: string[] };

async function linuxFindings(reader: SystemProxyReader, timeoutMs: number, hosts: readonly string[]): Promise<Found> {
  const out: Found = { findings: [], notes: [] };
  const mode = unquote(await reader.run('gsettings', ['get', 'org.gnome.system.proxy', 'mode'], timeoutMs));
  if (mode === 'auto')
    return {
      findings: [
        {
          source: 'GNOME proxy settings',
          value: 'automatic (PAC)',
          severity: 'warn',
          note: 'a PAC script may send HTTPS through a proxy',
        },
      ],
      notes: [],
    };
  if (mode !== 'manual') return out;
  const [host, port, ignore] = await Promise.all([
    reader.run('gsettings', ['get', 'org.gnome.system.proxy.https', 'host'], timeoutMs),
    reader.run('gsettings', ['get', 'org.gnome.system.proxy.https', 'port'], timeoutMs),
    reader.run('gsettings', ['get', 'org.gnome.system.proxy', 'ignore-hosts'], timeoutMs),
  ]);
  const h = unquote(host);
  if (h)
    collect(
      out,
      withBypass(
        { source: 'GNOME proxy settings', value: redactProxy(`${h}:${unquote(port) || '0'}`), severity: 'fail' },
        { name: 'GNOME ignore-hosts', entries: parseGsettingsList(ignore) },
        hosts,
      ),
    );
  return out;
}

/** `scutil --proxy` prints a dictionary: "HTTPSEnable : 1", "HTTPSProxy : proxy.example.com", "HTTPSPort : 8080". */
export function parseScutil(out: string, hosts: readonly string[] = REQUIRED_HOSTS): ProxyFinding[] {
  return scutilFindings(out, hosts).findings;
}

/** "ExceptionsList : <array> {\n 0 : *.local\n 1 : 169.254/16\n }" */
function scutilExceptions(out: string): string[] {
  const block = /ExceptionsList\s*:\s*<array>\s*\{([^}]*)\}/.exec(out)?.[1] ?? '';
  return [...block.matchAll(/^\s*\d+\s*:\s*(.+?)\s*$/gm)].map((m) => m[1]!);
}

export function scutilFindings(out: string, hosts: readonly string[] = REQUIRED_HOSTS): Found {
  const field = (k: string) => new RegExp(`^\\s*${k}\\s*:\\s*(.+?)\\s*$`, 'm').exec(out)?.[1];
  const found: Found = { findings: [], notes: [] };
  const findings = found.findings;
  if (field('HTTPSEnable') === '1' && field('HTTPSProxy')) {
    collect(
      found,
      withBypass(
        {
          source: 'macOS network proxy settings',
          value: redactProxy(`${field('HTTPSProxy')}:${field('HTTPSPort') ?? '0'}`),
          severity: 'fail',
        },
        { name: 'the macOS proxy exceptions', entries: scutilExceptions(out) },
        hosts,
      ),
    );
  }
  if (field('ProxyAutoConfigEnable') === '1') {
    findings.push({
      source: 'macOS network proxy settings',
      value: `automatic (PAC ${field('ProxyAutoConfigURLString') ?? ''})`.replace(' )', ')'),
      severity: 'warn',
      note: 'a PAC script may send HTTPS through a proxy',
    });
  }
  return found;
}

/** `reg query …\Internet Settings`: "ProxyEnable REG_DWORD 0x1", "ProxyServer REG_SZ https=proxy:8080;http=…". */
export function parseWindowsInternetSettings(out: string, hosts: readonly string[] = REQUIRED_HOSTS): ProxyFinding[] {
  return windowsFindings(out, hosts).findings;
}

export function windowsFindings(out: string, hosts: readonly string[] = REQUIRED_HOSTS): Found {
  const field = (k: string) => new RegExp(`^\\s*${k}\\s+REG_\\w+\\s+(.*?)\\s*$`, 'mi').exec(out)?.[1];
  const found: Found = { findings: [], notes: [] };
  const findings = found.findings;
  const server = field('ProxyServer');
  if (/^0x0*1$/i.test(field('ProxyEnable') ?? '') && server) {
    // "host:port" applies to every protocol; "http=a;https=b" names one per protocol.
    const perProtocol = server.includes('=') ? /(?:^|;)https=([^;]+)/i.exec(server)?.[1] : server;
    // ProxyOverride: "*.corp;10.*;<local>".
    const override = (field('ProxyOverride') ?? '').split(';');
    if (perProtocol)
      collect(
        found,
        withBypass(
          { source: 'Windows Internet settings', value: redactProxy(perProtocol), severity: 'fail' },
          { name: 'ProxyOverride', entries: override },
          hosts,
        ),
      );
  }
  const pac = field('AutoConfigURL');
  if (pac)
    findings.push({
      source: 'Windows Internet settings',
      value: `automatic (PAC ${pac})`,
      severity: 'warn',
      note: 'a PAC script may send HTTPS through a proxy',
    });
  return found;
}

/** The desktop's settings where they can be read; anything unreadable counts as not set. */
export async function systemFindings(
  reader: SystemProxyReader,
  timeoutMs = 2000,
  hosts: readonly string[] = REQUIRED_HOSTS,
): Promise<ProxyFinding[]> {
  return (await systemProxies(reader, timeoutMs, hosts)).findings;
}

async function systemProxies(reader: SystemProxyReader, timeoutMs: number, hosts: readonly string[]): Promise<Found> {
  if (reader.platform === 'darwin') {
    const out = await reader.run('scutil', ['--proxy'], timeoutMs);
    return out ? scutilFindings(out, hosts) : { findings: [], notes: [] };
  }
  if (reader.platform === 'win32') {
    const out = await reader.run(
      'reg',
      ['query', 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings'],
      timeoutMs,
    );
    return out ? windowsFindings(out, hosts) : { findings: [], notes: [] };
  }
  return linuxFindings(reader, timeoutMs, hosts);
}

export async function findProxies(opts: ProxyOptions = {}): Promise<Found> {
  const hosts = opts.hosts ?? REQUIRED_HOSTS;
  const out = envFindings(opts.env ?? process.env, hosts);
  if (opts.vscodeProxy?.trim()) {
    if (opts.vscodeProxySupport === 'off')
      out.notes.push('VS Code setting http.proxy is set, but http.proxySupport is off');
    else {
      const bypass = opts.vscodeNoProxy?.length
        ? { name: 'VS Code setting http.noProxy', entries: opts.vscodeNoProxy }
        : undefined;
      collect(
        out,
        withBypass(
          { source: 'VS Code setting http.proxy', value: redactProxy(opts.vscodeProxy), severity: 'fail' },
          bypass,
          hosts,
        ),
      );
    }
  }
  if (opts.system !== false) {
    const sys = await systemProxies(opts.system ?? systemProxyReader(), opts.timeoutMs ?? 2000, hosts);
    out.findings.push(...sys.findings);
    out.notes.push(...sys.notes);
  }
  return out;
}

const describe = (f: ProxyFinding) => `${f.source} = ${f.value}${f.note ? ` (${f.note})` : ''}`;

/** R7: fail when HTTPS goes through a proxy, warn when it may, pass otherwise. */
export function proxyResult({ findings, notes }: { findings: ProxyFinding[]; notes: string[] }): PrerequisiteResult {
  const fails = findings.filter((f) => f.severity === 'fail');
  const warns = findings.filter((f) => f.severity === 'warn');
  if (fails.length) {
    const check = rule('R7').check(
      machineSnapshot({
        proxy: { found: true, source: fails.map((f) => f.source).join(', '), value: fails[0]!.value },
      }),
    );
    const list = [...fails, ...warns].map(describe).join('; ');
    return toResult('R7', {
      ...check,
      message: text(`HTTPS goes through a proxy: ${list}.`, `HTTPS läuft über einen Proxy: ${list}.`),
    });
  }
  if (warns.length) {
    const list = warns.map(describe).join('; ');
    return toResult('R7', {
      status: 'warn',
      message: text(`HTTPS may go through a proxy: ${list}.`, `HTTPS läuft möglicherweise über einen Proxy: ${list}.`),
      fix: text(
        'Make sure the three hosts are reached directly.',
        'Sicherstellen, dass die drei Server direkt erreicht werden.',
      ),
    });
  }
  const note = notes.length ? ` ${notes.join('; ')}.` : '';
  return toResult('R7', {
    status: 'pass',
    message: text(`No HTTPS proxy is configured.${note}`, `Kein HTTPS-Proxy eingerichtet.${note}`),
  });
}

export async function checkProxy(opts: ProxyOptions = {}): Promise<PrerequisiteResult> {
  return proxyResult(await findProxies(opts));
}
