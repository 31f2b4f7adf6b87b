/**
 * `starface-sim story NAME|FILE`: plays a story on a running simulator. A client like record/replay: it starts the
 * story over REST (POST /rest/sim/story), prints each step's narration from the event log, and stops the story
 * on Ctrl+C. The story itself runs inside the simulator, through its SIP, UCI and REST listeners.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SIM_SERVICES, type SimEvent } from '../../../shared/schemas/events.js';
import { StorySchema } from '../../../shared/schemas/story.js';
import { restLogin } from './restLogin.js';

const HELP = `Usage: starface-sim story NAME|FILE [--speed N] [--rest URL] [--admin-password PW] [--lang en|de]

Plays a story on a running simulator: phones register, calls are placed and answered, presence and the Teams
configuration change, each step followed by a pause a trainer can talk over. The steps' narration is printed
as they start; Ctrl+C stops the story (its calls end, its phones unregister).

  NAME|FILE                 a built-in story (demo) or a story file (.json, see README "Stories")
  --speed N                 2 = every pause and call half as long (default 1)
  --rest URL                the simulator's REST base (default http://127.0.0.1:8080/rest)
  --admin-password PW       the password of "admin" (else $STARFACE_SIM_ADMIN_PASSWORD)
  --lang en|de              the language of the narration (default en)
Exits 0 when the story finished, 1 when it failed or was stopped, 2 on a usage error.`;

class UsageError extends Error {}

const POLL_MS = 200;

export async function storyCommand(argv: string[]): Promise<number> {
  try {
    return await play(argv);
  } catch (err) {
    process.stderr.write(`starface-sim story: ${(err as Error).message}\n`);
    if (err instanceof UsageError) process.stderr.write('Run starface-sim story --help for the options.\n');
    return err instanceof UsageError ? 2 : 1;
  }
}

async function play(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        speed: { type: 'string' },
        rest: { type: 'string' },
        'admin-password': { type: 'string' },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const [target, ...rest] = parsed.positionals;
  if (!target || rest.length) throw new UsageError('give exactly one story: a built-in name or a .json file');
  const speed = v.speed === undefined ? 1 : Number(v.speed);
  if (!Number.isFinite(speed) || speed <= 0)
    throw new UsageError(`--speed must be a positive number, not "${v.speed}"`);
  const lang = v.lang ?? 'en';
  if (lang !== 'en' && lang !== 'de') throw new UsageError(`--lang is en or de, not "${lang}"`);
  const base = (v.rest ?? 'http://127.0.0.1:8080/rest').replace(/\/$/, '');
  const password = v['admin-password'] ?? process.env.STARFACE_SIM_ADMIN_PASSWORD;
  if (password === undefined)
    throw new UsageError('give --admin-password (or $STARFACE_SIM_ADMIN_PASSWORD) of the login "admin"');

  const body = isFile(target) ? { story: readStory(target), speed } : { name: target, speed };
  const token = await restLogin(base, 'admin', password);
  const call = (method: string, path: string, json?: unknown) =>
    fetch(base + path, {
      method,
      headers: { 'Content-Type': 'application/json', authToken: token },
      body: json === undefined ? undefined : JSON.stringify(json),
    });

  let sinceSeq = ((await (await call('GET', '/sim/events?sinceSeq=0&limit=1')).json()) as { lastSeq: number }).lastSeq;
  const started = await call('POST', '/sim/story', body);
  const answer = (await started.json().catch(() => ({}))) as { message?: string; story?: string; steps?: number };
  if (started.status !== 202) throw new Error(`POST /sim/story answered ${started.status}: ${answer.message ?? ''}`);
  process.stdout.write(`Playing "${answer.story}" (${answer.steps} steps, speed ${speed}); Ctrl+C stops it.\n`);

  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (;;) {
      if (interrupted) {
        await call('DELETE', '/sim/story');
        interrupted = false;
      }
      const page = (await (await call('GET', `/sim/events?sinceSeq=${sinceSeq}`)).json()) as {
        events?: SimEvent[];
        lastSeq: number;
      };
      for (const e of page.events ?? []) {
        sinceSeq = e.seq;
        if (e.service !== SIM_SERVICES.story) continue;
        const d = e.data as { step: number; steps: number; say?: Record<string, string>; error?: string };
        if (e.event === 'step-started') process.stdout.write(`[${d.step}/${d.steps}] ${d.say?.[lang] ?? ''}\n`);
        else if (e.event === 'paused' || e.event === 'resumed') process.stdout.write(`(${e.event})\n`);
        else if (e.event === 'finished') {
          process.stdout.write('Finished.\n');
          return 0;
        } else if (e.event === 'stopped') {
          process.stdout.write('Stopped.\n');
          return 1;
        } else if (e.event === 'failed') {
          process.stderr.write(`starface-sim story: the story failed at ${d.error ?? 'a step'}\n`);
          return 1;
        }
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const isFile = (target: string): boolean => /[/\\]/.test(target) || target.endsWith('.json');

/** Checked here too, so a broken file is named with its path before anything is sent. */
function readStory(file: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the story ${file}: ${(err as Error).message}`);
  }
  const parsed = StorySchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `the story ${file} is not valid:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`,
    );
  return json;
}
