import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { restBaseUrl } from '../../../shared/schemas/connection.js';
import type { PrerequisitesReport, PrerequisiteStatus } from '../../../shared/schemas/prerequisites.js';
import { isVersion } from '../../../shared/version.js';
import { PbxApi } from '../pbx/api.js';
import { createPbxFetch } from '../pbx/httpsFetch.js';
import { PbxError, PbxRestClient } from '../pbx/restClient.js';
import type { ConnectionTrust } from '../pbx/tlsTrust.js';
import { normalizeFingerprint } from '../../../shared/tlsFingerprint.js';
import { fixTitle } from '../prerequisites/fixes.js';
import { PrerequisitesUsageError } from '../prerequisites/pbxChecks.js';
import { checkPrerequisites, type PrerequisitesOptions } from '../prerequisites/run.js';

declare const __DEVKIT_VERSION__: string | undefined;
const VERSION = typeof __DEVKIT_VERSION__ === 'string' ? __DEVKIT_VERSION__ : '0.0.0-dev';

const HELP = `starface-preflight — checks every prerequisite of the STARFACE ↔ Microsoft Teams integration

Usage: starface-preflight --url URL --login LOGIN [options]

  --url URL           the PBX as you type it (https://pbx.example.com, http://127.0.0.1:8080); /rest is appended
  --login LOGIN       an administrator's login; the password comes from $STARFACE_PASSWORD,
                      else it is asked for (without echo) on a terminal
  --users A,B         logins (or ids) to check per user (default: everyone with the right
                      "Integration mit Microsoft Teams" or an "MS Teams Integration" licence)
  --json              print the report as JSON ({"results": [...], "summary": …})
  --no-machine        skip the checks of this machine (R5 browser, R6 network, R7 proxy)
  --hosts H1,H2       R6 targets instead of the guide's three hosts (host or host:port)
  --timeout MS        bound of each network stage and probe (default 3000)
  --min-version V     R1's minimum version (default 6.7.3.11)
  --sign-in LOGIN     rehearse a Teams sign-in of LOGIN (simulator): needs --pbx-name and the key, from
                      $STARFACE_TEAMS_KEY or --key-file; the user's password comes from $STARFACE_SIGNIN_PASSWORD
  --pbx-name NAME     "Name der Anlage" for the rehearsal (also offered as the fix of R14)
  --key-file FILE     the key file downloaded from the module configuration
  --ca FILE           for an https PBX: also trust the CA certificate(s) in FILE (PEM), e.g. the local
                      simulator's <data>/tls CA or a company CA; Node's CAs stay trusted
  --fingerprint FP    for an https PBX: trust exactly the server certificate with this SHA-256
                      fingerprint (AA:BB:…, as an unknown certificate's error names it); any other is refused
  --help, --version

Exit status: 0 when nothing fails, 1 when a requirement fails, 2 on a usage or connection error,
3 when nothing fails but the check is incomplete: LOGIN lacks the right "Administration", so the checks
that need it are unknown (the report says so; "incomplete" in --json).`;

/** Nothing failed, but signed in without the right "Administration" most checks stayed unknown. */
const EXIT_INCOMPLETE = 3;

class UsageError extends Error {}

const STATUS: Record<PrerequisiteStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', unknown: '????' };

function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY)
    return Promise.reject(new UsageError('no password: set STARFACE_PASSWORD (stdin is not a terminal to ask on)'));
  return new Promise((resolve, reject) => {
    let value = '';
    // Raw mode first: a key typed right after the prompt appears must not echo.
    stdin.setRawMode(true);
    process.stderr.write(prompt);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError('the list is empty');
  return items;
}

function render(report: PrerequisitesReport): string {
  const lines = [
    `starface-preflight: ${report.target}${report.simulator ? ' (simulator)' : ''}${report.pbxVersion ? `, STARFACE ${report.pbxVersion}` : ''}`,
  ];
  if (report.users)
    lines.push(`users: ${report.users.length ? report.users.map((u) => u.login).join(', ') : 'none set up for Teams'}`);
  if (report.incomplete) lines.push(`INCOMPLETE: ${report.incomplete.message}`);
  lines.push('');
  for (const r of report.results) {
    const user = r.user ? ` [${r.user}]` : '';
    lines.push(`${STATUS[r.status]}  ${r.id.padEnd(3)} ${r.title}${user}: ${r.message}`);
    if (r.status !== 'pass') {
      lines.push(`            Guide: „${r.guide}“`);
      if (r.where) lines.push(`            Where: ${r.where}`);
      for (const f of r.fixes) lines.push(`            Fix: ${fixTitle(f).en}`);
    }
  }
  const s = report.summary;
  lines.push(
    '',
    `${s.pass} pass, ${s.warn} warn, ${s.fail} fail, ${s.unknown} unknown (${Math.round(report.durationMs)} ms)${report.incomplete ? ' — incomplete: no right "Administration"' : ''}`,
  );
  return lines.join('\n') + '\n';
}

/** Only a refusal (401/403, wrong login or password) is a failed sign-in; anything else says why the PBX was not reached. */
function loginFailure(err: unknown, base: string): string {
  const cert = err instanceof PbxError ? err.failure : undefined;
  if (cert?.code === 'CERT_UNTRUSTED')
    return (
      `the certificate of ${base} is not trusted (${cert.reason}); its SHA-256 fingerprint is ${cert.fingerprint}. ` +
      `If that is your PBX's certificate (compare it with the PBX's admin UI), run again with --fingerprint ${cert.fingerprint}, ` +
      `or with --ca FILE naming the CA that signed it`
    );
  if (cert?.code === 'CERT_CHANGED')
    return `the certificate of ${base} is not the one given with --fingerprint ${cert.pinned}: it presents ${cert.presented}; refused`;
  if (err instanceof PbxError && (err.status === 401 || err.status === 403 || err.failure?.code === 'LOGIN_FAILED'))
    return `sign-in failed: ${err.message}`;
  const detail = err instanceof PbxError && err.failure && 'detail' in err.failure ? err.failure.detail : '';
  if (
    base.startsWith('https:') &&
    /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/.test(`${detail} ${(err as Error).message}`)
  ) {
    const http = base.replace(/^https:/, 'http:').replace(/\/rest$/, '');
    return `${base}: the server does not speak HTTPS — did you mean ${http}?`;
  }
  return (err as Error).message;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      login: { type: 'string' },
      users: { type: 'string' },
      json: { type: 'boolean' },
      'no-machine': { type: 'boolean' },
      hosts: { type: 'string' },
      timeout: { type: 'string' },
      'min-version': { type: 'string' },
      'sign-in': { type: 'string' },
      'pbx-name': { type: 'string' },
      key: { type: 'string' },
      'key-file': { type: 'string' },
      ca: { type: 'string' },
      fingerprint: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (values.version) {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  if (!values.url) throw new UsageError('--url is required (e.g. --url https://pbx.example.com)');
  if (!values.login) throw new UsageError('--login is required');
  let base: string;
  try {
    base = restBaseUrl(values.url);
  } catch (err) {
    throw new UsageError(`--url: ${(err as Error).message}`);
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000)
      throw new UsageError('--timeout must be a whole number of milliseconds from 1 to 60000');
  }
  // "host:port" entries: the port applies to all of them (one port per run keeps R6's message simple).
  let hosts: string[] | undefined;
  let port: number | undefined;
  for (const h of list(values.hosts) ?? []) {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(h);
    if (!m) throw new UsageError(`--hosts: "${h}" is not host or host:port`);
    if (m[2] && (Number(m[2]) < 1 || Number(m[2]) > 65535))
      throw new UsageError(`--hosts: the port of "${h}" must be from 1 to 65535`);
    (hosts ??= []).push(m[1]!.replace(/^\[|\]$/g, ''));
    if (m[2]) {
      if (port !== undefined && port !== Number(m[2])) throw new UsageError('--hosts: give every host the same port');
      port = Number(m[2]);
    }
  }

  const minVersion = values['min-version'];
  if (minVersion !== undefined && !isVersion(minVersion))
    throw new UsageError(`--min-version: "${minVersion}" is not a four-part STARFACE version such as 6.7.3.11`);
  // A key on the command line shows in the process list and the shell history.
  if (values.key !== undefined)
    throw new UsageError(
      '--key is not accepted (the process list and shell history would show the key): set STARFACE_TEAMS_KEY or use --key-file',
    );

  const opts: PrerequisitesOptions = {
    ...(values.users !== undefined ? { users: list(values.users)! } : {}),
    machine: values['no-machine']
      ? false
      : { ...(hosts ? { hosts } : {}), ...(port ? { port } : {}), ...(timeoutMs ? { timeoutMs } : {}) },
    ...(values['min-version'] ? { minVersion: values['min-version'] } : {}),
    ...(values['pbx-name'] ? { pbxName: values['pbx-name'] } : {}),
  };
  if (values['sign-in']) {
    if (!values['pbx-name']) throw new UsageError('--sign-in needs --pbx-name');
    const envKey = process.env.STARFACE_TEAMS_KEY?.trim() || undefined;
    if ((envKey === undefined) === (values['key-file'] === undefined))
      throw new UsageError('--sign-in needs the key: set STARFACE_TEAMS_KEY or give --key-file (not both)');
    const password = process.env.STARFACE_SIGNIN_PASSWORD;
    if (!password)
      throw new UsageError('--sign-in: set STARFACE_SIGNIN_PASSWORD to the password of the user signing in');
    let keyFile: string | undefined;
    if (values['key-file']) {
      try {
        keyFile = readFileSync(values['key-file'], 'utf8');
      } catch (err) {
        throw new UsageError(`--key-file: ${(err as Error).message}`);
      }
    }
    opts.signIn = {
      pbxName: values['pbx-name'],
      login: values['sign-in'],
      password,
      ...(keyFile !== undefined ? { keyFile } : { key: envKey! }),
    };
  }

  // The trust of this one run: Node's CAs, plus --ca, or exactly --fingerprint; nobody to ask, so unknown is refused.
  const trust: ConnectionTrust = { connection: base };
  if (values.ca !== undefined) {
    let pem: string;
    try {
      pem = readFileSync(values.ca, 'utf8');
    } catch (err) {
      throw new UsageError(`--ca: ${(err as Error).message}`);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----'))
      throw new UsageError(`--ca: ${values.ca} holds no PEM certificate`);
    Object.assign(trust, { extraCa: () => [pem] });
  }
  if (values.fingerprint !== undefined) {
    const pin = normalizeFingerprint(values.fingerprint);
    if (!pin)
      throw new UsageError('--fingerprint: not a SHA-256 fingerprint (64 hex digits, optionally AA:BB:… pairs)');
    Object.assign(trust, {
      pins: { get: () => pin, set: () => Promise.reject(new Error('the CLI pins nothing')) },
    });
  }

  // An empty variable is as good as none: ask.
  const password = process.env.STARFACE_PASSWORD || (await readPassword(`Password of ${values.login} at ${base}: `));
  const client = new PbxRestClient(base, {
    timeoutMs: Math.max(10_000, timeoutMs ?? 0),
    fetch: createPbxFetch(trust),
  });
  try {
    await client.login(values.login, password);
  } catch (err) {
    throw new UsageError(loginFailure(err, base));
  }
  try {
    const report = await checkPrerequisites(new PbxApi(client), opts);
    process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : render(report));
    return report.summary.fail > 0 ? 1 : report.incomplete ? EXIT_INCOMPLETE : 0;
  } finally {
    await client.logout().catch(() => undefined);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const known =
      err instanceof UsageError ||
      err instanceof PrerequisitesUsageError ||
      err instanceof PbxError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      `starface-preflight: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`,
    );
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      process.stderr.write('Run starface-preflight --help for the options.\n');
    process.exitCode = 2;
  },
);
