import { execFile } from 'node:child_process';
import { text } from '../../../shared/i18n.js';
import { REQUIRED_HOSTS } from '../../../shared/requirements/rules.js';
import type { PreflightResult } from '../../../shared/schemas/preflight.js';
import { machineSnapshot, rule, toResult } from './result.js';

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
  run: (file, args, timeoutMs) =>
    new Promise((resolve) => execFile(file, args, { timeout: timeoutMs, windowsHide: true, encoding: 'utf8' }, (err, stdout) => resolve(err ? null : stdout))),
});

export interface ProxyOptions {
  env?: NodeJS.ProcessEnv;
  /** VS Code's `http.proxy` setting (the caller reads it; domain code knows no vscode). */
  vscodeProxy?: string;
  hosts?: readonly string[];
  /** false: skip the desktop settings. Default: this machine's. */
  system?: false | SystemProxyReader;
  timeoutMs?: number;
}

/** Removes user:password from a proxy URL: a report must never carry a secret. */
export function redactProxy(value: string): string {
  return value.trim().replace(/\/\/[^/@\s]*@/, '//***@');
}

function envValue(env: NodeJS.ProcessEnv, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** Does a NO_PROXY list ("localhost,.example.com,*") exempt `host`? Entries match the host or any subdomain. */
export function noProxyCovers(noProxy: string | undefined, host: string): boolean {
  if (!noProxy) return false;
  const h = host.toLowerCase();
  return noProxy
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase().replace(/:\d+$/, ''))
    .filter(Boolean)
    .some((e) => {
      if (e === '*') return true;
      const bare = e.replace(/^\*?\./, '');
      return h === bare || h.endsWith(`.${bare}`);
    });
}

/** HTTPS_PROXY/ALL_PROXY (fail unless NO_PROXY exempts every host), HTTP_PROXY alone (warn). */
export function envFindings(env: NodeJS.ProcessEnv, hosts: readonly string[] = REQUIRED_HOSTS): { findings: ProxyFinding[]; notes: string[] } {
  const findings: ProxyFinding[] = [];
  const notes: string[] = [];
  const noProxy = envValue(env, 'NO_PROXY', 'no_proxy');
  const proxied = hosts.filter((h) => !noProxyCovers(noProxy?.value, h));
  for (const found of [envValue(env, 'HTTPS_PROXY', 'https_proxy'), envValue(env, 'ALL_PROXY', 'all_proxy')]) {
    if (!found) continue;
    if (proxied.length === 0) notes.push(`${found.name} is set, but ${noProxy!.name} exempts every host`);
    else {
      findings.push({
        source: found.name,
        value: redactProxy(found.value),
        severity: 'fail',
        ...(proxied.length < hosts.length ? { note: `${noProxy!.name} exempts only some hosts; still proxied: ${proxied.join(', ')}` } : {}),
      });
    }
  }
  const http = envValue(env, 'HTTP_PROXY', 'http_proxy');
  if (http && findings.length === 0 && proxied.length > 0) {
    findings.push({ source: http.name, value: redactProxy(http.value), severity: 'warn', note: 'most clients use it for plain HTTP only, but some send HTTPS through it as well' });
  }
  return { findings, notes };
}

/** `gsettings get` answers with quotes: 'manual', 'proxy.example.com', 3128. */
const unquote = (s: string | null) => (s ?? '').trim().replace(/^'(.*)'$/, '$1');

async function linuxFindings(reader: SystemProxyReader, timeoutMs: number): Promise<ProxyFinding[]> {
  const mode = unquote(await reader.run('gsettings', ['get', 'org.gnome.system.proxy', 'mode'], timeoutMs));
  if (mode === 'auto') return [{ source: 'GNOME proxy settings', value: 'automatic (PAC)', severity: 'warn', note: 'a PAC script may send HTTPS through a proxy' }];
  if (mode !== 'manual') return [];
  const [host, port] = await Promise.all([
    reader.run('gsettings', ['get', 'org.gnome.system.proxy.https', 'host'], timeoutMs),
    reader.run('gsettings', ['get', 'org.gnome.system.proxy.https', 'port'], timeoutMs),
  ]);
  const h = unquote(host);
  return h ? [{ source: 'GNOME proxy settings', value: `${h}:${unquote(port) || '0'}`, severity: 'fail' }] : [];
}

/** `scutil --proxy` prints a dictionary: "HTTPSEnable : 1", "HTTPSProxy : proxy.example.com", "HTTPSPort : 8080". */
export function parseScutil(out: string): ProxyFinding[] {
  const field = (k: string) => new RegExp(`^\\s*${k}\\s*:\\s*(.+?)\\s*$`, 'm').exec(out)?.[1];
  const findings: ProxyFinding[] = [];
  if (field('HTTPSEnable') === '1' && field('HTTPSProxy')) {
    findings.push({ source: 'macOS network proxy settings', value: `${field('HTTPSProxy')}:${field('HTTPSPort') ?? '0'}`, severity: 'fail' });
  }
  if (field('ProxyAutoConfigEnable') === '1') {
    findings.push({ source: 'macOS network proxy settings', value: `automatic (PAC ${field('ProxyAutoConfigURLString') ?? ''})`.replace(' )', ')'), severity: 'warn', note: 'a PAC script may send HTTPS through a proxy' });
  }
  return findings;
}

/** `reg query …\Internet Settings`: "ProxyEnable REG_DWORD 0x1", "ProxyServer REG_SZ https=proxy:8080;http=…". */
export function parseWindowsInternetSettings(out: string): ProxyFinding[] {
  const field = (k: string) => new RegExp(`^\\s*${k}\\s+REG_\\w+\\s+(.*?)\\s*$`, 'mi').exec(out)?.[1];
  const findings: ProxyFinding[] = [];
  const server = field('ProxyServer');
  if (/^0x0*1$/i.test(field('ProxyEnable') ?? '') && server) {
    // "host:port" applies to every protocol; "http=a;https=b" names one per protocol.
    const perProtocol = server.includes('=') ? /(?:^|;)https=([^;]+)/i.exec(server)?.[1] : server;
    if (perProtocol) findings.push({ source: 'Windows Internet settings', value: perProtocol, severity: 'fail' });
  }
  const pac = field('AutoConfigURL');
  if (pac) findings.push({ source: 'Windows Internet settings', value: `automatic (PAC ${pac})`, severity: 'warn', note: 'a PAC script may send HTTPS through a proxy' });
  return findings;
}

/** The desktop's settings where they can be read; anything unreadable counts as not set. */
export async function systemFindings(reader: SystemProxyReader, timeoutMs = 2000): Promise<ProxyFinding[]> {
  if (reader.platform === 'darwin') {
    const out = await reader.run('scutil', ['--proxy'], timeoutMs);
    return out ? parseScutil(out) : [];
  }
  if (reader.platform === 'win32') {
    const out = await reader.run('reg', ['query', 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings'], timeoutMs);
    return out ? parseWindowsInternetSettings(out) : [];
  }
  return linuxFindings(reader, timeoutMs);
}

export async function findProxies(opts: ProxyOptions = {}): Promise<{ findings: ProxyFinding[]; notes: string[] }> {
  const hosts = opts.hosts ?? REQUIRED_HOSTS;
  const { findings, notes } = envFindings(opts.env ?? process.env, hosts);
  if (opts.vscodeProxy?.trim()) findings.push({ source: 'VS Code setting http.proxy', value: redactProxy(opts.vscodeProxy), severity: 'fail' });
  if (opts.system !== false) findings.push(...(await systemFindings(opts.system ?? systemProxyReader(), opts.timeoutMs)));
  return { findings, notes };
}

const describe = (f: ProxyFinding) => `${f.source} = ${f.value}${f.note ? ` (${f.note})` : ''}`;

/** R7: fail when HTTPS goes through a proxy, warn when it may, pass otherwise. */
export function proxyResult({ findings, notes }: { findings: ProxyFinding[]; notes: string[] }): PreflightResult {
  const fails = findings.filter((f) => f.severity === 'fail');
  const warns = findings.filter((f) => f.severity === 'warn');
  if (fails.length) {
    const check = rule('R7').check(machineSnapshot({ proxy: { found: true, source: fails.map((f) => f.source).join(', '), value: fails[0]!.value } }));
    const list = [...fails, ...warns].map(describe).join('; ');
    return toResult('R7', { ...check, message: text(`HTTPS goes through a proxy: ${list}.`, `HTTPS läuft über einen Proxy: ${list}.`) });
  }
  if (warns.length) {
    const list = warns.map(describe).join('; ');
    return toResult('R7', {
      status: 'warn',
      message: text(`HTTPS may go through a proxy: ${list}.`, `HTTPS läuft möglicherweise über einen Proxy: ${list}.`),
      fix: text('Make sure the three hosts are reached directly.', 'Sicherstellen, dass die drei Server direkt erreicht werden.'),
    });
  }
  const note = notes.length ? ` ${notes.join('; ')}.` : '';
  return toResult('R7', { status: 'pass', message: text(`No HTTPS proxy is configured.${note}`, `Kein HTTPS-Proxy eingerichtet.${note}`) });
}

export async function checkProxy(opts: ProxyOptions = {}): Promise<PreflightResult> {
  return proxyResult(await findProxies(opts));
}
