// `npm run bench -- teams` (dispatched from run.mjs): Teams app package validation.
//   - warm: the domain code as esbuild bundles it (extension/src/teamsApp/index.ts → a temporary bundle), against the
//     schemas in dist/teams-schemas; a typical package (made by createAppFolder + packageApp: manifest v1.30,
//     192×192 and 32×32 icons) validated BENCH_TEAMS_RUNS (100) times after 5 warm-up runs, as zip and as folder;
//     median and p95. The first (cold) call, which compiles the schema, is reported apart.
//   - cli: `node dist/cli/starface-teams.js validate <zip> --json`, spawn → exit, BENCH_TEAMS_CLI_RUNS (20) runs;
//     median, beside a bare `node -e ""`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { ensureBuilt, envInt, progress, ROOT, round, stats as sharedStats } from './common.mjs';

const TARGETS = { warmMs: 200, cliMs: 600 };
const TEAMS_CLI = join(ROOT, 'dist', 'cli', 'starface-teams.js');
const SCHEMAS = join(ROOT, 'dist', 'teams-schemas');

const stats = (xs) => sharedStats(xs, { upper: 0.95, digits: 2 });

export async function benchTeams() {
  const runs = envInt('BENCH_TEAMS_RUNS', 100);
  const cliRuns = envInt('BENCH_TEAMS_CLI_RUNS', 20);
  ensureBuilt([TEAMS_CLI, SCHEMAS]);
  const work = mkdtempSync(join(tmpdir(), 'starface-bench-teams-'));
  try {
    const bundle = join(work, 'teams.cjs');
    await build({
      entryPoints: [join(ROOT, 'extension/src/teamsApp/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundle,
      logLevel: 'warning',
      // As in esbuild.mjs: jsonc-parser's UMD main does not bundle.
      alias: { 'jsonc-parser': join(ROOT, 'node_modules/jsonc-parser/lib/esm/main.js') },
    });
    const teams = createRequire(import.meta.url)(bundle);
    const app = join(work, 'app');
    await teams.createAppFolder(app, { appName: 'STARFACE', schemaDir: SCHEMAS });
    const pkg = await teams.packageApp(app, 'dev', {
      schemaDir: SCHEMAS,
      values: { STARFACE_PBX_NAME: 'pbx.demo.starface.test', STARFACE_PBX_URL: 'https://pbx.demo.starface.test' },
    });
    if (!pkg.ok) throw new Error(`the typical package did not build: ${JSON.stringify(pkg.report.findings)}`);

    const once = async (path) => {
      const t0 = performance.now();
      const r = await teams.validateAppPath(path, { schemaDir: SCHEMAS });
      const ms = performance.now() - t0;
      if (!r.ok) throw new Error(`the typical package is not valid: ${JSON.stringify(r.findings)}`);
      return ms;
    };
    // packageApp already compiled v1.30 in this process; a fresh schema dir path forces one cold compile.
    const coldMs = await (async () => {
      const t0 = performance.now();
      await teams.validateAppPath(pkg.zipPath, { schemaDir: SCHEMAS + '/' });
      return performance.now() - t0;
    })();
    const measure = async (path) => {
      for (let i = 0; i < 5; i++) await once(path);
      const xs = [];
      for (let i = 0; i < runs; i++) xs.push(await once(path));
      return xs;
    };
    const zipMs = await measure(pkg.zipPath);
    const folderMs = await measure(app);
    progress(`warm zip ${stats(zipMs).median} ms, folder ${stats(folderMs).median} ms (median of ${runs})`);

    const cli = [];
    for (let i = 0; i < cliRuns; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [TEAMS_CLI, 'validate', pkg.zipPath, '--json'], { encoding: 'utf8' });
      cli.push(performance.now() - t0);
      if (r.status !== 0 || !JSON.parse(r.stdout).ok)
        throw new Error(`the CLI said ${r.status}: ${r.stdout}${r.stderr}`);
    }
    const bare = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '']);
      bare.push(performance.now() - t0);
    }
    const zip = stats(zipMs);
    const cliStats = stats(cli);
    return {
      bench: 'teams',
      unit: 'ms',
      package: { files: ['manifest.json', 'color.png', 'outline.png'], manifestVersion: '1.30' },
      warm: { runs, zip, folder: stats(folderMs), coldFirstCallMs: round(coldMs, 1) },
      cli: {
        runs: cliRuns,
        command: 'starface-teams validate appPackage.dev.zip --json',
        ...cliStats,
        nodeBareStartMedian: stats(bare).median,
      },
      target: {
        warmMs: { below: TARGETS.warmMs, of: 'warm.zip.p95', met: zip.p95 < TARGETS.warmMs },
        cliMs: { below: TARGETS.cliMs, of: 'cli.median', met: cliStats.median < TARGETS.cliMs },
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
