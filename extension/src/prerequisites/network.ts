import { lookup } from 'node:dns/promises';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import { text } from '../../../shared/i18n.js';
import { REQUIRED_HOSTS } from '../../../shared/requirements/rules.js';
import type { PrerequisiteResult } from '../../../shared/schemas/prerequisites.js';
import { machineSnapshot, rule, toResult } from './result.js';

export interface NetworkOptions {
  /** Default: the guide's three hosts. Tests use loopback names. */
  hosts?: readonly string[];
  /** Default 443. */
  port?: number;
  /** Bound of each stage (DNS, TCP, TLS) per host; default 3000 ms. */
  timeoutMs?: number;
  /** Trusted CA certificates instead of Node's bundle (a test's self-signed certificate). */
  ca?: string | Buffer;
}

export type Stage = 'dns' | 'tcp' | 'tls';

export interface HostReach {
  host: string;
  ok: boolean;
  /** The stage that failed, or the last one (tls) when all passed. */
  stage: Stage;
  /** "DNS: ENOTFOUND", "TCP: ECONNREFUSED", "TLS: no handshake within 3000 ms", or "TLS 1.3 in 12 ms". */
  detail: string;
  ms: number;
}

class StageError extends Error {
  constructor(
    readonly stage: Stage,
    message: string,
  ) {
    super(message);
  }
}

function within<T>(stage: Stage, ms: number, work: (onCancel: (cancel: () => void) => void) => Promise<T>): Promise<T> {
  let cancel: () => void = () => {};
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cancel();
      reject(new StageError(stage, `no answer within ${ms} ms`));
    }, ms);
    work((c) => (cancel = c)).then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof StageError ? err : new StageError(stage, errorCode(err)));
      },
    );
  });
}

function errorCode(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ?? e.message ?? String(err);
}

const STAGE_LABEL: Record<Stage, string> = { dns: 'DNS', tcp: 'TCP', tls: 'TLS' };

/** DNS, then TCP, then a TLS handshake that verifies the certificate for the host name; each bounded. */
export async function probeHost(host: string, opts: NetworkOptions = {}): Promise<HostReach> {
  const port = opts.port ?? 443;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const t0 = performance.now();
  let socket: Socket | undefined;
  try {
    const { address } = await within('dns', timeoutMs, () => lookup(host));
    socket = await within(
      'tcp',
      timeoutMs,
      (onCancel) =>
        new Promise<Socket>((resolve, reject) => {
          const s = tcpConnect({ host: address, port });
          onCancel(() => s.destroy());
          s.once('connect', () => resolve(s));
          s.on('error', reject);
        }),
    );
    const tcp = socket;
    const protocol = await within(
      'tls',
      timeoutMs,
      (onCancel) =>
        new Promise<string>((resolve, reject) => {
          const t = tlsConnect({
            socket: tcp,
            ...(isIP(host) ? {} : { servername: host }),
            ...(opts.ca ? { ca: opts.ca } : {}),
            rejectUnauthorized: true,
          });
          onCancel(() => t.destroy());
          t.once('secureConnect', () => {
            const p = t.getProtocol() ?? 'TLS';
            t.destroy();
            resolve(p);
          });
          t.on('error', reject);
        }),
    );
    const ms = Math.round(performance.now() - t0);
    return { host, ok: true, stage: 'tls', detail: `${protocol.replace('TLSv', 'TLS ')} in ${ms} ms`, ms };
  } catch (err) {
    const e = err instanceof StageError ? err : new StageError('dns', errorCode(err));
    return {
      host,
      ok: false,
      stage: e.stage,
      detail: `${STAGE_LABEL[e.stage]}: ${e.message}`,
      ms: Math.round(performance.now() - t0),
    };
  } finally {
    socket?.destroy();
  }
}

/** Every host at once: the whole check takes as long as the slowest host, at most three timeouts. */
export function probeHosts(opts: NetworkOptions = {}): Promise<HostReach[]> {
  const hosts = opts.hosts ?? REQUIRED_HOSTS;
  return Promise.all(hosts.map((h) => probeHost(h, opts)));
}

/** R6: pass when every host completes the TLS handshake; a failing DNS lookup is a failure too (the client cannot reach it). */
export function networkResult(reach: HostReach[], port = 443): PrerequisiteResult {
  const check = rule('R6').check(
    machineSnapshot({ reachability: reach.map(({ host, ok, detail }) => ({ host, ok, detail })) }),
  );
  const bad = reach.filter((r) => !r.ok);
  const list = (rs: HostReach[]) => rs.map((r) => `${r.host} (${r.detail})`).join(', ');
  const message = bad.length
    ? text(
        `Not reachable over HTTPS on port ${port}: ${list(bad)}.`,
        `Über HTTPS auf Port ${port} nicht erreichbar: ${list(bad)}.`,
      )
    : text(
        `DNS, TCP and TLS on port ${port} succeed for ${list(reach)}.`,
        `DNS, TCP und TLS auf Port ${port} gelingen für ${list(reach)}.`,
      );
  return toResult('R6', { ...check, message });
}

export async function checkNetwork(opts: NetworkOptions = {}): Promise<PrerequisiteResult> {
  return networkResult(await probeHosts(opts), opts.port ?? 443);
}
