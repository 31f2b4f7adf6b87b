import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { jsonLogger } from '../log.js';
import { BUILTIN_NAMES, DEMO_PBX_NAME, demoScenario } from '../scenarios/builtin.js';
import { createSimulator, SIMULATOR_VERSION } from '../simulator.js';
import { isSubcommand, runSubcommand } from './recordReplay.js';
import type { ReadyLine } from '../../../shared/schemas/readyLine.js';
import { parseDigestList } from '../../../shared/schemas/sipDigest.js';
import { adminPasswordCommand } from './adminPassword.js';
import { storyCommand } from './story.js';
import { parseOrigins } from '../auth/browserGuard.js';
import { OAUTH_TOKEN_PATH } from '../../../shared/schemas/oauth.js';
import { STARFACE_10_SCENARIO } from '../../../shared/scenarios.js';

const HELP = `starface-sim — a local STARFACE PBX for the Microsoft Teams integration

Usage: starface-sim [options]
       starface-sim record --uci URL --out FILE.jsonl …   (starface-sim record --help)
       starface-sim replay FILE.jsonl --rest URL …        (starface-sim replay --help)
       starface-sim admin-password --data DIR --reset     (starface-sim admin-password --help)
       starface-sim story demo --admin-password PW        (starface-sim story --help)

  --host HOST               address to bind (default 127.0.0.1; 0.0.0.0 exposes it to the network)
  --http-port N             HTTP port: REST at /rest, SIP over WebSocket at /sip (default 8080; 0 = free)
  --sip-port N              SIP over UDP and TCP (default 5060; 0 = a free port, the same for both)
  --tls                     HTTPS and WSS on the HTTP port, SIP over TLS on --sip-tls-port, with a local CA
                            and a server certificate made once into DIR/tls/ (see the banner for trusting it)
  --sip-tls-port N          SIP over TLS with --tls (default 5061; 0 = a free port)
  --tls-ca DIR              with --tls: sign with the CA in DIR (ca.pem, ca-key.pem; made there when missing)
                            instead of the one in the data folder
  --data DIR                folder of the JSON store (default .starface-sim)
  --memory                  keep everything in memory; nothing is written
  --scenario NAME|FILE      applied to an empty store, or with --reset (default demo)
                            built-in: ${BUILTIN_NAMES.join(', ')}
  --reset                   discard the stored state and apply the scenario
  --admin-password PW       password of the login "admin" (else $STARFACE_SIM_ADMIN_PASSWORD,
                            else the stored one, else a generated one that is printed once);
                            prefer the variable: arguments are visible to other users in ps
  --version-string X.Y.Z.W  the PBX version to report
  --min-version X.Y.Z.W     the minimum version R1 requires (default 6.7.3.11)
  --sip-digest LIST         digest algorithms the registrar and proxy offer, in order, one challenge each:
                            a comma list of md5, sha-256, sha-512-256 (default md5, as a real STARFACE;
                            overrides the scenario's sip.digest)
  --allow-origin ORIGIN     a web page origin (scheme://host[:port]) that may use the simulator from a
                            browser: WebSockets to /sip and /uci, REST and XML-RPC with CORS; repeatable.
                            Without it, requests carrying another page's Origin header are refused (403)
  --ready-json              print exactly one JSON line on stdout when listening
  --log-level LEVEL         debug, info, warn, error or silent (default info; logs go to stderr)
  --help                    this text
  --version                 the simulator's version

SIGINT/SIGTERM stop it: no new connections, pending writes flushed, every socket closed, exit 0.`;

function fail(message: string): never {
  process.stderr.write(`starface-sim: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  if (isSubcommand(process.argv[2])) {
    process.exitCode = await runSubcommand(process.argv[2], process.argv.slice(3));
    return;
  }
  if (process.argv[2] === 'admin-password') {
    process.exitCode = await adminPasswordCommand(process.argv.slice(3));
    return;
  }
  if (process.argv[2] === 'story') {
    process.exitCode = await storyCommand(process.argv.slice(3));
    return;
  }
  // Memory over speed while the scenario is loaded: V8 then grows the heap in small steps instead of letting the
  // loading's garbage pile up to several times the live data (RSS before any load, 10,000 users: 118 MB, not 162).
  // Serving switches this off once listening (see below). Set before anything large is allocated.
  setFlagsFromString('--optimize-for-size');
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string' },
        'http-port': { type: 'string' },
        'sip-port': { type: 'string' },
        tls: { type: 'boolean' },
        'sip-tls-port': { type: 'string' },
        'tls-ca': { type: 'string' },
        data: { type: 'string' },
        memory: { type: 'boolean' },
        scenario: { type: 'string' },
        reset: { type: 'boolean' },
        'admin-password': { type: 'string' },
        'version-string': { type: 'string' },
        'min-version': { type: 'string' },
        'sip-digest': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'ready-json': { type: 'boolean' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\nRun starface-sim --help for the options.`);
  }
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return;
  }
  if (values.version) {
    process.stdout.write(SIMULATOR_VERSION + '\n');
    return;
  }
  const port = (name: string, value: string | undefined, dflt: number): number => {
    if (value === undefined) return dflt;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      fail(`--${name} must be a port number from 0 to 65535, not "${value}"`);
    return n;
  };
  const level = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level))
    fail(`--log-level must be debug, info, warn, error or silent`);
  const httpPort = port('http-port', values['http-port'], 8080);
  const sipPort = port('sip-port', values['sip-port'], 5060);
  const sipTlsPort = port('sip-tls-port', values['sip-tls-port'], 5061);
  if (!values.tls && (values['sip-tls-port'] !== undefined || values['tls-ca'] !== undefined))
    fail('--sip-tls-port and --tls-ca need --tls');
  let sipDigest: string[] | undefined;
  if (values['sip-digest'] !== undefined) {
    const parsed = parseDigestList(values['sip-digest'].split(',').filter((name) => name.trim() !== ''));
    if (!parsed.ok) fail(`--sip-digest: ${parsed.error}`);
    sipDigest = parsed.algorithms;
  }
  const allowOrigins = parseOrigins(values['allow-origin'] ?? []);
  if (!allowOrigins.ok) fail(`--allow-origin: ${allowOrigins.error}`);

  const sim = createSimulator({
    host: values.host,
    httpPort,
    sipPort,
    ...(values.tls && { tls: true, sipTlsPort, tlsCaDir: values['tls-ca'] }),
    dataDir: values.data,
    memory: values.memory,
    scenario: values.scenario,
    reset: values.reset,
    adminPassword: values['admin-password'] ?? process.env.STARFACE_SIM_ADMIN_PASSWORD ?? undefined,
    version: values['version-string'],
    minVersion: values['min-version'],
    sipDigest,
    allowOrigins: allowOrigins.origins,
    logger: jsonLogger(level as 'info'),
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Past 2 s something hangs; leave anyway, every acknowledged write is already on disk. Said on stderr, so
    // that a hang is visible (and tests can tell it from a clean stop).
    setTimeout(() => {
      process.stderr.write(`starface-sim: still stopping 2 s after ${signal}; exiting anyway\n`);
      process.exit(0);
    }, 2000).unref();
    sim.stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`starface-sim: error while stopping after ${signal}: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  let addr;
  try {
    addr = await sim.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      const busy = (e as { port?: number }).port;
      const which =
        values.tls && busy === sipTlsPort && sipTlsPort !== httpPort && sipTlsPort !== sipPort
          ? `SIP TLS port ${sipTlsPort}`
          : busy === sipPort && sipPort !== httpPort
            ? `SIP port ${sipPort}`
            : `port ${busy ?? httpPort}`;
      const flags = values.tls ? '--http-port / --sip-port / --sip-tls-port' : '--http-port / --sip-port';
      fail(`${which} is in use; choose another with ${flags} (0 = any free port)`);
    }
    if (e.code === 'EACCES' && (e.syscall === 'listen' || e.syscall === 'bind'))
      fail(`no permission to bind port ${httpPort}`);
    fail(e.message);
  }

  // Serving: --optimize-for-size's memory-reducing full collections cost a SIP registration under load a quarter more
  // CPU (bench sip, 10,000 users: 171 → 135 µs). The old generation may instead grow to 1.5 times the live data
  // before a full collection: V8's own factor goes up to 4 when collections are fast (peak RSS 211 MB in that
  // bench), and 2 let the REST bench peak at 170 MB, not 149.
  setFlagsFromString('--no-optimize-for-size');
  setFlagsFromString('--heap-growing-percent=50');

  if (values['ready-json']) {
    const line: ReadyLine = {
      ready: true,
      rest: addr.rest,
      uci: addr.uci,
      sipWs: addr.sipWs,
      sipUdp: addr.sipUdp,
      sipTcp: addr.sipTcp,
      xmlRpc: addr.xmlRpc,
      pid: process.pid,
      ...(addr.fingerprint && { sipTls: addr.sipTls, ca: addr.ca, fingerprint: addr.fingerprint }),
    };
    process.stdout.write(JSON.stringify(line) + '\n');
    if (sim.generatedAdminPassword)
      process.stderr.write(`admin password (generated, shown once): ${sim.generatedAdminPassword}\n`);
    return;
  }
  const lines = [
    `STARFACE simulator ${SIMULATOR_VERSION} — scenario "${sim.scenario}", store: ${sim.storeDescription}`,
    `  REST     ${addr.rest}`,
    `  OpenAPI  ${addr.rest}/openapi.json (sign in first)`,
    `  SIP      udp ${addr.sipUdp} · tcp ${addr.sipTcp}${addr.sipTls ? ` · tls ${addr.sipTls}` : ''} · ${addr.sipWs} (subprotocol "sip")`,
    `  UCI      ${addr.uci} (JSON-RPC 2.0 over WebSocket) · ${addr.xmlRpc} (XML-RPC, POST)`,
    `  admin    login "admin", password ${sim.generatedAdminPassword ? `${sim.generatedAdminPassword} (generated, shown once)` : '(as configured)'}`,
  ];
  if (addr.ca && addr.fingerprint)
    lines.push(
      `  TLS      CA ${addr.ca}`,
      `           server certificate SHA-256 ${addr.fingerprint}`,
      `           trust the CA: NODE_EXTRA_CA_CERTS=${addr.ca} · curl --cacert ${addr.ca} · or import it into the OS/browser`,
    );
  // For the trainer, as the admin UI shows it (Server › Status › REST-API); never logged. Not in --ready-json mode:
  // a program reads it over REST (GET /rest/sim/oauth, admin only).
  if (sim.oauthClient)
    lines.push(
      `  OAuth    POST ${addr.rest.replace(/\/rest$/, '')}${OAUTH_TOKEN_PATH} · client_id ${sim.oauthClient.clientId} · client_secret ${sim.oauthClient.clientSecret}`,
    );
  if (allowOrigins.origins.length > 0) lines.push(`  browser  pages from ${allowOrigins.origins.join(', ')} (CORS)`);
  if (sim.scenarioSkipped)
    lines.push(`  note     the store already holds a PBX; --scenario was not applied (add --reset to apply it)`);
  if (sim.scenario === 'demo' || sim.scenario === STARFACE_10_SCENARIO) {
    lines.push('  demo users (login / password / extension), unless changed since:');
    for (const u of demoScenario().users ?? []) {
      lines.push(
        `    ${u.login}  ${`${u.firstName} ${u.familyName}`.padEnd(13)} ${u.password.padEnd(16)} ${u.extension ?? ''}`,
      );
    }
    for (const v of demoScenario().virtualPhones ?? [])
      lines.push(`  virtual phone ${v.extension} ${v.name} (${v.behaviour})`);
    lines.push(`  Teams PBX name: ${DEMO_PBX_NAME}`);
  }
  lines.push('Press Ctrl+C to stop.');
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => fail((err as Error).message));
