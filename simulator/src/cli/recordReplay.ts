/**
 * `starface-sim record` and `starface-sim replay`: a UCI client that writes a live session to JSON Lines,
 * and a REST client that plays such a file back to the subscribers of a running simulator.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { uciToken } from '../../../shared/hashes.js';
import {
  ReplayEventSchema,
  UCI_AUTH_PARAM,
  UCI_AUTH_TOKEN_PARAM,
  UCI_KNOWN_SERVICES,
  UCI_METHODS,
  type ReplayAccepted,
  type ReplayEvent,
} from '../../../shared/schemas/uci.js';
import { restLogin } from './restLogin.js';

const RECORD_HELP = `Usage: starface-sim record --uci URL --out FILE.jsonl [auth] [options]

Connects to a UCI connector (e.g. ws://127.0.0.1:8080/uci), subscribes and writes every event as one JSON
line ({seq, time, service, event, data}) until Ctrl+C, the connection closes or a limit is reached.

  --uci URL                 the connector's WebSocket URL
  --out FILE                the JSON Lines file (created or truncated)
  --login L --password P    sign in with the UCI token computed from login and password
                            (the password may come from $STARFACE_PASSWORD instead: argv is visible to others)
  --token T                 a UCI token (login:sha512hex(login + "*" + sha512hex(password))) or a REST authToken
  --services A,B,…          services to subscribe (default: all known: ${UCI_KNOWN_SERVICES.join(', ')})
  --since-seq N             replay buffered events after seq N first
  --count N                 stop after N events
  --duration S              stop after S seconds
Prints {"recording":true,…} on stdout once subscribed and {"recorded":N,…} at the end.`;

const REPLAY_HELP = `Usage: starface-sim replay FILE.jsonl --rest URL (--login L --password P | --token T) [--speed N]

Plays a recording back to the UCI subscribers of a running simulator (POST /rest/sim/replay, admin): each
event is published anew (new seq, data.replayed = true) with the recorded spacing divided by --speed.

  --rest URL                the REST base, e.g. http://127.0.0.1:8080/rest
  --login L --password P    an administrator's credentials (password also from $STARFACE_PASSWORD)
  --token T                 a REST authToken of an administrator instead
  --speed N                 2 = twice as fast (default 1)
  --wait                    stay until the last event was played
Prints {"scheduled":N,"durationMs":D} on stdout.`;

export function isSubcommand(arg: string | undefined): arg is 'record' | 'replay' {
  return arg === 'record' || arg === 'replay';
}

class UsageError extends Error {}

export async function runSubcommand(name: 'record' | 'replay', argv: string[]): Promise<number> {
  try {
    return name === 'record' ? await record(argv) : await replay(argv);
  } catch (err) {
    process.stderr.write(`starface-sim ${name}: ${(err as Error).message}\n`);
    if (err instanceof UsageError) process.stderr.write(`Run starface-sim ${name} --help for the options.\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, not "${v}"`);
  return n;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

function args(
  argv: string[],
  options: OptionSpec,
  positionals = false,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: positionals,
    });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function record(argv: string[]): Promise<number> {
  const { values: v } = args(argv, {
    uci: { type: 'string' },
    out: { type: 'string' },
    login: { type: 'string' },
    password: { type: 'string' },
    token: { type: 'string' },
    services: { type: 'string' },
    'since-seq': { type: 'string' },
    count: { type: 'string' },
    duration: { type: 'string' },
  });
  if (v.help) {
    process.stdout.write(RECORD_HELP + '\n');
    return 0;
  }
  const uci = v.uci as string | undefined;
  const out = v.out as string | undefined;
  if (!uci || !out) throw new UsageError('--uci and --out are required');
  const password = (v.password as string | undefined) ?? process.env.STARFACE_PASSWORD;
  const token =
    (v.token as string | undefined) ??
    (v.login !== undefined && password !== undefined ? uciToken(v.login as string, password) : undefined);
  if (!token) throw new UsageError('give --login and --password, or --token');
  const services = v.services
    ? (v.services as string)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [...UCI_KNOWN_SERVICES];
  const sinceSeq = v['since-seq'] === undefined ? undefined : Number(v['since-seq']);
  if (sinceSeq !== undefined && (!Number.isInteger(sinceSeq) || sinceSeq < 0))
    throw new UsageError('--since-seq must be a whole number ≥ 0');
  const count = positiveNumber('count', v.count as string | undefined);
  const duration = positiveNumber('duration', v.duration as string | undefined);

  const url = new URL(uci);
  url.searchParams.set(token.includes(':') ? UCI_AUTH_PARAM : UCI_AUTH_TOKEN_PARAM, token);
  const fd = openSync(out, 'w');
  let recorded = 0;
  try {
    return await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      let done = false;
      const finish = (code: number, why: string) => {
        if (done) return;
        done = true;
        clearInterval(keepAlive);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.stdout.write(JSON.stringify({ recorded, out, reason: why }) + '\n');
        ws.close(1000, 'recording finished');
        setTimeout(() => ws.terminate(), 500).unref();
        resolve(code);
      };
      const onSignal = () => finish(0, 'signal');
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // Well inside the connector's 60 s default.
      const keepAlive = setInterval(
        () =>
          ws.readyState === WebSocket.OPEN &&
          ws.send(JSON.stringify({ jsonrpc: '2.0', method: UCI_METHODS.keepAlive, id: `ka-${Date.now()}` })),
        20_000,
      );
      if (duration) setTimeout(() => finish(0, 'duration'), duration * 1000).unref();
      ws.on('open', () => {
        ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: 'subscribe',
            method: UCI_METHODS.subscribeEvents,
            params: { services, ...(sinceSeq !== undefined ? { sinceSeq } : {}) },
          }),
        );
      });
      ws.on('message', (raw) => {
        let msg: {
          id?: unknown;
          method?: string;
          params?: unknown;
          result?: { lastSeq: number };
          error?: { code: number; message: string };
        };
        try {
          msg = JSON.parse(raw.toString());
        } catch {
          return;
        }
        if (msg.id === 'subscribe') {
          if (msg.error) {
            process.stderr.write(
              `starface-sim record: subscribeEvents failed: ${msg.error.message} (${msg.error.code})\n`,
            );
            finish(1, 'subscribe failed');
          } else
            process.stdout.write(
              JSON.stringify({ recording: true, out, services, lastSeq: msg.result?.lastSeq }) + '\n',
            );
          return;
        }
        if (msg.method && msg.params && msg.id === undefined) {
          writeSync(fd, JSON.stringify(msg.params) + '\n');
          recorded++;
          if (count !== undefined && recorded >= count) finish(0, 'count');
        }
      });
      ws.on('close', (code, reason) => {
        if (!done) {
          process.stderr.write(
            `starface-sim record: the connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})\n`,
          );
          finish(code === 1000 ? 0 : 1, `closed ${code}`);
        }
      });
      ws.on('error', (err) => {
        if (!done) {
          process.stderr.write(`starface-sim record: ${err.message}\n`);
          finish(1, 'error');
        }
      });
    });
  } finally {
    closeSync(fd);
  }
}

/** About half the REST body limit (1 MiB) per request; a long recording goes in parts with a start delay each. */
const CHUNK_BYTES = 512 * 1024;

async function replay(argv: string[]): Promise<number> {
  const { values: v, positionals } = args(
    argv,
    {
      rest: { type: 'string' },
      login: { type: 'string' },
      password: { type: 'string' },
      token: { type: 'string' },
      speed: { type: 'string' },
      wait: { type: 'boolean' },
    },
    true,
  );
  if (v.help) {
    process.stdout.write(REPLAY_HELP + '\n');
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('give exactly one recording file');
  const rest = (v.rest as string | undefined)?.replace(/\/$/, '');
  if (!rest) throw new UsageError('--rest is required');
  const speed = positiveNumber('speed', v.speed as string | undefined) ?? 1;
  const events = readRecording(file);
  if (events.length === 0) throw new Error(`${file} holds no events`);
  let token = v.token as string | undefined;
  if (!token) {
    const password = (v.password as string | undefined) ?? process.env.STARFACE_PASSWORD;
    if (v.login === undefined || password === undefined)
      throw new UsageError('give --login and --password (or $STARFACE_PASSWORD) of an administrator, or --token');
    token = await restLogin(rest, v.login as string, password);
  }

  // Parts of at most CHUNK_BYTES, each told when to start relative to the first.
  const t0 = Date.parse(events[0]!.time);
  const started = Date.now();
  let scheduled = 0;
  let durationMs = 0;
  for (let i = 0; i < events.length;) {
    const part: ReplayEvent[] = [];
    let bytes = 0;
    while (i < events.length && (part.length === 0 || bytes < CHUNK_BYTES)) {
      bytes += JSON.stringify(events[i]).length;
      part.push(events[i++]!);
    }
    const offset = Math.max(0, (Date.parse(part[0]!.time) - t0) / speed);
    const delayMs = Math.max(0, Math.round(offset - (Date.now() - started)));
    const res = await fetch(`${rest}/sim/replay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', authToken: token },
      body: JSON.stringify({ events: part, speed, delayMs }),
    });
    const body = (await res.json().catch(() => ({}))) as ReplayAccepted & { message?: string };
    if (res.status !== 202)
      throw new Error(`POST /sim/replay answered ${res.status}: ${body.message ?? JSON.stringify(body)}`);
    scheduled += body.scheduled;
    durationMs = Math.max(durationMs, offset + body.durationMs);
  }
  process.stdout.write(JSON.stringify({ scheduled, durationMs: Math.round(durationMs), speed }) + '\n');
  if (v.wait) await new Promise((r) => setTimeout(r, Math.max(0, durationMs - (Date.now() - started)) + 50));
  return 0;
}

function readRecording(file: string): ReplayEvent[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const events: ReplayEvent[] = [];
  lines.forEach((line, n) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new Error(`${file}:${n + 1}: not JSON (${(err as Error).message})`);
    }
    const parsed = ReplayEventSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(
        `${file}:${n + 1}: not an event: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}`,
      );
    events.push(parsed.data);
  });
  return events;
}
