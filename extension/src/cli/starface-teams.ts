// `starface-teams`: validate, package and create Microsoft Teams app packages — offline, every finding placed.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TeamsFinding, TeamsValidationReport } from '../../../shared/schemas/teamsApp.js';
import { packageApp } from '../teamsApp/package.js';
import { assertEnvName, TeamsInputError } from '../teamsApp/placeholders.js';
import { createAppFolder } from '../teamsApp/scaffold.js';
import { validateAppPath } from '../teamsApp/validate.js';

declare const __DEVKIT_VERSION__: string | undefined;
const VERSION = typeof __DEVKIT_VERSION__ === 'string' ? __DEVKIT_VERSION__ : '0.0.0-dev';

const HELP = `starface-teams — build and check Microsoft Teams app packages offline

Usage:
  starface-teams validate PATH [--json]
      PATH: an app folder (with manifest.json), a package .zip or a manifest file
  starface-teams package DIR --env NAME [--set NAME=VALUE …] [--out DIR] [--json]
      fills \${{NAME}} from DIR/.env.NAME (and --set), validates, writes
      DIR/build/appPackage.NAME.zip and DIR/build/manifest.NAME.json
  starface-teams new DIR --name APPNAME [--env NAME] [--set NAME=VALUE …] [--force]
      creates manifest.json (newest bundled schema), color.png, outline.png, .env.NAME (default dev)
  starface-teams --help | --version

Exit codes: 0 no errors, 1 findings with errors, 2 usage error or the check itself failed (see stderr).
--json prints the validation report: {target, kind, ok, errors, warnings, findings: [{severity, rule,
message, pointer, file, line, column, endLine, endColumn, helpUrl}], manifestVersion, durationMs}.`;

class UsageError extends Error {}

/** A path as the user reads it: relative below the working directory, absolute anywhere else. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(path);
}

/** Bad input the domain found (env name, app name, existing files) is a usage error; anything else a failure. */
async function asUsage<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TeamsInputError) throw new UsageError(err.message);
    throw err;
  }
}

/** `file:line:column …`; a file on disk by a path that opens from the working directory, an entry of a zip by its name. */
function line(f: TeamsFinding, report: TeamsValidationReport): string {
  const base =
    report.kind === 'folder' ? report.target : report.kind === 'manifest' ? dirname(report.target) : undefined;
  const file = base === undefined ? f.file : shown(join(base, f.file));
  return `${file}:${f.line}:${f.column} ${f.severity} [${f.rule}] ${f.message}  (help: ${f.helpUrl})`;
}

function printReport(report: TeamsValidationReport, json: boolean, extra: string[] = []): void {
  if (json) {
    process.stdout.write(JSON.stringify(report) + '\n');
    return;
  }
  for (const f of report.findings) process.stdout.write(line(f, report) + '\n');
  const verdict = report.ok ? 'valid' : 'INVALID';
  const version = report.manifestVersion ? `, manifest ${report.manifestVersion}` : '';
  process.stdout.write(
    `${shown(report.target)}: ${verdict} — ${report.errors} error(s), ${report.warnings} warning(s)${version} (${report.durationMs} ms)\n`,
  );
  for (const e of extra) process.stdout.write(e + '\n');
}

function setValues(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(item);
    if (!m) throw new UsageError(`--set expects NAME=VALUE, not "${item}"`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function parse(args: string[], options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP + '\n');
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  if (cmd === 'validate') {
    const { values, positionals } = parse(rest, { json: { type: 'boolean' }, help: { type: 'boolean' } });
    if (values.help) return (process.stdout.write(HELP + '\n'), 0);
    if (positionals.length !== 1) throw new UsageError('validate takes exactly one PATH');
    // A missing PATH: validateAppPath's TeamsInputError, a usage error here.
    const report = await asUsage(() => validateAppPath(positionals[0]!));
    printReport(report, values.json === true);
    return report.ok ? 0 : 1;
  }
  if (cmd === 'package') {
    const { values, positionals } = parse(rest, {
      env: { type: 'string' },
      set: { type: 'string', multiple: true },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('package takes exactly one DIR');
    if (!values.env) throw new UsageError('package needs --env NAME (the values come from DIR/.env.NAME)');
    const envName = values.env as string;
    await asUsage(async () => assertEnvName(envName));
    if (!existsSync(positionals[0]!)) throw new UsageError(`${positionals[0]} does not exist`);
    const overrides = setValues(values.set as string[] | undefined);
    const result = await asUsage(() =>
      packageApp(positionals[0]!, envName, {
        values: overrides,
        ...(values.out ? { outDir: values.out as string } : {}),
      }),
    );
    const written = result.ok
      ? [`wrote ${shown(result.zipPath!)}`, `wrote ${shown(result.manifestPath!)}`]
      : ['no package written'];
    printReport(result.report, values.json === true, written);
    return result.ok ? 0 : 1;
  }
  if (cmd === 'new') {
    const { values, positionals } = parse(rest, {
      name: { type: 'string' },
      env: { type: 'string' },
      set: { type: 'string', multiple: true },
      force: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('new takes exactly one DIR');
    if (!values.name) throw new UsageError('new needs --name APPNAME');
    const initial = setValues(values.set as string[] | undefined);
    const r = await asUsage(() =>
      createAppFolder(positionals[0]!, {
        appName: values.name as string,
        ...(values.env ? { envName: values.env as string } : {}),
        values: initial,
        overwrite: values.force === true,
      }),
    );
    for (const f of r.files) process.stdout.write(`created ${shown(f)}\n`);
    return 0;
  }
  throw new UsageError(`unknown command "${cmd}"; try --help`);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    // Exit 1 means "the app has errors"; a check that could not run is not that, so it exits 2 as well — but
    // says it failed instead of blaming the command line.
    if (err instanceof UsageError) process.stderr.write(`starface-teams: ${err.message} (see starface-teams --help)\n`);
    else process.stderr.write(`starface-teams: the check failed: ${err.message || String(err)}\n`);
    process.exitCode = 2;
  },
);
