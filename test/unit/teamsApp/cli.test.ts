// The built `starface-teams` CLI (dist/cli/starface-teams.js) as a child process: exit codes, output, files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TeamsValidationReportSchema } from '../../../shared/schemas/teamsApp.js';
import { openZip, writeZip } from '../../../extension/src/teamsApp/zip.js';
import { ensureBuilt, removeTempDirs, ROOT, tempDir } from '../../support/cli.js';
import { FIXTURES, materialize } from './corpusSupport.js';

const CLI = process.env.STARFACE_TEAMS_CLI ?? join(ROOT, 'dist', 'cli', 'starface-teams.js');

/** Builds the bundles when the CLI bundle or its schemas are missing, or older than its sources. */
function ensureTeamsBuilt(): void {
  if (process.env.STARFACE_TEAMS_CLI) return;
  ensureBuilt(CLI, {
    alongside: [join(ROOT, 'dist', 'teams-schemas', 'v1.30')],
    staleAgainst: [
      'extension/src/teamsApp',
      'extension/src/teamsApp/rules',
      'extension/src/cli',
      'shared/schemas/teamsApp.ts',
    ],
  });
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tempDir(), encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('teams: starface-teams CLI (built bundle)', function () {
  this.timeout(60_000);
  before(ensureTeamsBuilt);
  after(removeTempDirs);

  it('--help and --version exit 0; no arguments or an unknown command exit 2', () => {
    assert.equal(run('--help').code, 0);
    assert.match(run('--help').stdout, /starface-teams validate PATH/);
    assert.match(run('--version').stdout, /^\d+\.\d+\.\d+/);
    assert.equal(run().code, 2);
    const bad = run('frobnicate');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown command/);
    assert.equal(run('validate').code, 2);
    assert.equal(run('validate', join(tempDir(), 'nope')).code, 2);
    assert.equal(run('package', tempDir()).code, 2, 'package without --env');
  });

  it('validate: a good folder exits 0; --json prints exactly the report', () => {
    const dir = materialize('good-v1.30');
    const human = run('validate', dir);
    assert.equal(human.code, 0, human.stdout + human.stderr);
    assert.match(human.stdout, /valid — 0 error\(s\)/);
    const json = run('validate', dir, '--json');
    assert.equal(json.code, 0);
    const report = TeamsValidationReportSchema.parse(JSON.parse(json.stdout));
    assert.equal(report.ok, true);
    assert.equal(report.kind, 'folder');
    assert.equal(report.manifestVersion, '1.30');
  });

  it('validate: errors exit 1 with file:line:column, rule and help link', () => {
    const dir = materialize('developer-http-url');
    const r = run('validate', dir);
    assert.equal(r.code, 1);
    const lines = readFileSync(join(FIXTURES, 'developer-http-url', 'manifest.json'), 'utf8').split('\n');
    const n = lines.findIndex((l) => l.includes('"privacyUrl"')) + 1;
    // The folder is outside the working directory: its files by absolute path, so they open from the terminal.
    const manifestPath = join(dir, 'manifest.json').replace(/[.\\/]/g, (c) => `\\${c}`);
    assert.match(
      r.stdout,
      new RegExp(
        `^${manifestPath}:${n}:\\d+ error \\[developer-https\\] .+ \\(help: https://learn\\.microsoft\\.com/\\S+\\)$`,
        'm',
      ),
    );
    const json = run('validate', dir, '--json');
    assert.equal(json.code, 1);
    const report = TeamsValidationReportSchema.parse(JSON.parse(json.stdout));
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.line]),
      [['developer-https', n]],
    );
  });

  it('new + package: writes build/appPackage.dev.zip (files at the root) and build/manifest.dev.json', async () => {
    const dir = join(tempDir(), 'app');
    const created = run('new', dir, '--name', 'STARFACE');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(run('new', dir, '--name', 'Again').code, 2, 'refuses to overwrite');
    const r = run(
      'package',
      dir,
      '--env',
      'dev',
      '--set',
      'STARFACE_PBX_NAME=pbx.demo.starface.test',
      '--set',
      'STARFACE_PBX_URL=https://pbx.demo.starface.test',
      '--json',
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(TeamsValidationReportSchema.parse(JSON.parse(r.stdout)).ok, true);
    const zipPath = join(dir, 'build', 'appPackage.dev.zip');
    const manifest = JSON.parse(readFileSync(join(dir, 'build', 'manifest.dev.json'), 'utf8'));
    assert.equal(manifest.validDomains[0], 'pbx.demo.starface.test');
    const zip = await openZip(readFileSync(zipPath));
    try {
      assert.deepEqual(zip.entries.map((e) => e.name).sort(), ['color.png', 'manifest.json', 'outline.png']);
    } finally {
      zip.close();
    }
    const check = run('validate', zipPath, '--json');
    assert.equal(check.code, 0, check.stdout);
    assert.equal(JSON.parse(check.stdout).kind, 'zip');
  });

  it('package: an unresolved placeholder exits 1 and writes no zip', () => {
    const dir = join(tempDir(), 'app');
    assert.equal(run('new', dir, '--name', 'STARFACE').code, 0);
    const r = run('package', dir, '--env', 'dev');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /manifest\.json:\d+:\d+ error \[placeholder-unresolved\] .*STARFACE_PBX_NAME/);
    assert.ok(
      r.stdout.split('\n').some((l) => l.startsWith(join(dir, 'manifest.json') + ':')),
      'an absolute path outside the working directory',
    );
    assert.match(r.stdout, /no package written/);
    assert.equal(existsSync(join(dir, 'build', 'appPackage.dev.zip')), false);
    assert.equal(existsSync(join(dir, 'build', 'manifest.dev.json')), false);
  });

  it('package: a bad --env or --set is a usage error (exit 2)', () => {
    const dir = join(tempDir(), 'app');
    assert.equal(run('new', dir, '--name', 'STARFACE').code, 0);
    assert.equal(run('package', dir, '--env', 'undefined').code, 2);
    assert.equal(run('package', dir, '--env', '../x').code, 2);
    assert.equal(run('package', dir, '--env', 'dev', '--set', 'novalue').code, 2);
  });

  it('validate: a zip of the folder instead of its files exits 1 with zip-folder and manifest-not-at-root', async () => {
    const dir = materialize('good-v1.30');
    const files = ['manifest.json', 'color.png', 'outline.png'].map((n) => ({
      name: `app/${n}`,
      data: readFileSync(join(dir, n)),
    }));
    const zip = join(tempDir(), 'nested.zip');
    writeFileSync(zip, await writeZip(files));
    const r = run('validate', zip, '--json');
    assert.equal(r.code, 1);
    const report = TeamsValidationReportSchema.parse(JSON.parse(r.stdout));
    assert.deepEqual(report.findings.map((f) => f.rule).sort(), ['manifest-not-at-root', 'zip-folder']);
  });

  it('validate: a zip entry too large to inflate is a finding (exit 1, JSON), not a crash', async () => {
    const zip = join(tempDir(), 'bomb.zip');
    writeFileSync(zip, await writeZip([{ name: 'manifest.json', data: Buffer.alloc(21 * 1024 * 1024, 0x20) }]));
    const r = run('validate', zip, '--json');
    assert.equal(r.code, 1, r.stderr);
    const report = TeamsValidationReportSchema.parse(JSON.parse(r.stdout));
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.file]),
      [['package-too-large', 'manifest.json']],
    );
  });

  it('usage errors say so; package prints the written files by absolute path outside the working directory', () => {
    const missing = run('validate', join(tempDir(), 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /does not exist \(see starface-teams --help\)/);
    const dir = join(tempDir(), 'app');
    assert.equal(
      run('new', dir, '--name', 'A name that is far too long for Teams').code,
      2,
      'a name over 30 characters',
    );
    assert.equal(
      run(
        'new',
        dir,
        '--name',
        'STARFACE',
        '--set',
        'STARFACE_PBX_NAME=pbx.demo.starface.test',
        '--set',
        'STARFACE_PBX_URL=https://pbx.demo.starface.test',
      ).code,
      0,
    );
    const r = run('package', dir, '--env', 'dev');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(`wrote ${join(dir, 'build', 'appPackage.dev.zip')}\n`), r.stdout);
  });
});
