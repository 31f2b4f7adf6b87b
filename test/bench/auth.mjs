// `npm run bench -- auth` (dispatched from run.mjs): what the failed sign-in limiter costs legitimate traffic.
//   - Three simulators in this one process (dist/simulator/index.js, in memory, demo scenario), all with the
//     limiter as shipped: A and C (a control) untouched, B first made to hold BENCH_AUTH_FOREIGN (50,000) foreign failure entries by
//     an attack from 127.0.0.2 — SIP REGISTERs with made-up nonces for ever new digest users, each a counted guess
//     (one entry for the login and address, one for the login). That B's limiter took them is checked over REST:
//     a login the attacker guessed is answered 429 from 127.0.0.2.
//   - Legitimate traffic from 127.0.0.1, closed loops, one kind at a time: authenticated REST GETs
//     (GET /rest/users/me, 8 at a time), REST login handshakes (GET + POST /rest/login as admin, 4 at a time) and
//     SIP REGISTER with digest over UDP (REGISTER → 401 → REGISTER with credentials → 200, 8 sockets). Client and
//     simulators share this process, so both see the same machine.
//   - Per kind BENCH_AUTH_ROUNDS (5) rounds; a round is BENCH_AUTH_SLICES (12) slices of BENCH_AUTH_SLICE_MS
//     (150) ms on each simulator, in every order of A, B, C in turn (a shared machine's load changes within
//     seconds; so it falls on all alike). Per round the ratio B/A of completed operations, and C/A: what noise
//     alone makes of such a ratio. Printed: operations per second of A and B, and median, p90, min and max of
//     B/A and C/A. Target: the median B/A of every kind ≥ 0.95 (the limiter's state costs < 5 %).
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureBuilt, envInt, progress, ROOT, round, sha512hex, stats } from './common.mjs';

const INDEX = join(ROOT, 'dist', 'simulator', 'index.js');
const ADMIN_PASSWORD = 'bench-admin-password';
const LEGIT = '127.0.0.1';
const ATTACKER = '127.0.0.2';
const TARGET_RATIO = 0.95;
/** Every order of the three simulators, taken in turn slice by slice. */
const ORDERS = [
  ['a', 'b', 'c'],
  ['b', 'c', 'a'],
  ['c', 'a', 'b'],
  ['c', 'b', 'a'],
  ['b', 'a', 'c'],
  ['a', 'c', 'b'],
];

const md5 = (s) => createHash('md5').update(s, 'utf8').digest('hex');

// ---- HTTP ----

function http(agent, url, { method = 'GET', body, headers = {}, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        localAddress,
        headers: { 'Content-Type': 'application/json', 'X-Version': '2', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function restLogin(agent, base, login, password, localAddress) {
  const { body } = await http(agent, `${base}/login`, { localAddress });
  const secret = `${login}:${sha512hex(login + body.nonce + sha512hex(password))}`;
  return http(agent, `${base}/login`, {
    method: 'POST',
    body: { loginType: 'Internal', nonce: body.nonce, secret },
    localAddress,
  });
}

// ---- SIP over UDP: one request outstanding per socket ----

class UdpSip {
  static async open(address, target) {
    const u = new UdpSip(target);
    await new Promise((resolve) => u.socket.bind(0, address, resolve));
    u.local = `${address}:${u.socket.address().port}`;
    return u;
  }

  constructor(target) {
    const i = target.lastIndexOf(':');
    this.host = target.slice(0, i);
    this.port = Number(target.slice(i + 1));
    this.socket = createSocket('udp4');
    this.waiting = undefined;
    this.socket.on('message', (m) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.(m.toString('utf8'));
    });
    this.socket.on('error', () => undefined);
  }

  /** Sends and resolves with the next answer (or undefined after 2 s: a lost datagram). */
  request(text) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        resolve(undefined);
      }, 2000);
      this.waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.socket.send(text, this.port, this.host);
    });
  }

  close() {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

const statusOf = (reply) => (reply ? Number(/^SIP\/2\.0 (\d{3})/.exec(reply)?.[1]) : 0);
const challengeOf = (reply) => {
  const line = /^WWW-Authenticate:\s*Digest\s+(.*)$/im.exec(reply)?.[1] ?? '';
  const out = {};
  for (const m of line.matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/g)) out[m[1].toLowerCase()] = m[2] ?? m[3];
  return out;
};

function register(sip, { domain, user, callId, cseq, authorization }) {
  const aor = `sip:${user}@${domain}`;
  return [
    `REGISTER sip:${domain} SIP/2.0`,
    `Via: SIP/2.0/UDP ${sip.local};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <${aor}>;tag=${callId.slice(0, 8)}`,
    `To: <${aor}>`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${user}@${sip.local}>`,
    'Expires: 3600',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function digest({ user, password, realm, nonce, opaque, uri }) {
  const cnonce = randomBytes(4).toString('hex');
  const nc = '00000001';
  const response = md5(
    `${md5(`${user}:${realm}:${password}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`REGISTER:${uri}`)}`,
  );
  return (
    `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", ` +
    `algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"${opaque ? `, opaque="${opaque}"` : ''}`
  );
}

// ---- one simulator ----

async function startOne(createSimulator) {
  const sim = createSimulator({
    host: LEGIT,
    httpPort: 0,
    sipPort: 0,
    memory: true,
    scenario: 'demo',
    adminPassword: ADMIN_PASSWORD,
    logger: () => undefined,
  });
  const addresses = await sim.start();
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const base = addresses.rest;
  const login = await restLogin(agent, base, 'admin', ADMIN_PASSWORD);
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  const token = login.body.token;
  const creds = (await http(agent, `${base}/sim/credentials`, { headers: { authToken: token } })).body;
  const sipUsers = creds.users.filter((u) => u.sipPassword).map((u) => ({ user: u.login, password: u.sipPassword }));
  if (sipUsers.length === 0) throw new Error('no user with a SIP password in the demo scenario');
  return { sim, addresses, agent, base, token, sipUsers, domain: creds.sipDomains[0], realm: creds.sipRealm };
}

/** The attack that fills B's limiter: each REGISTER a counted guess for a new digest user from 127.0.0.2. */
async function fill(one, guesses) {
  const uri = `sip:${one.domain}`;
  let answered = 0;
  // One request outstanding per socket: 64 sockets keep the simulator busy.
  const sockets = await Promise.all(Array.from({ length: 64 }, () => UdpSip.open(ATTACKER, one.addresses.sipUdp)));
  let next = 0;
  await Promise.all(
    sockets.map(async (s) => {
      for (;;) {
        const i = next++;
        if (i >= guesses) return;
        const nonce = randomBytes(24).toString('base64url');
        // A made-up nonce with a response that fits no password: a guess like any other (sip/auth/gate.ts).
        const authorization =
          `Digest username="flood-${i}", realm="${one.realm}", nonce="${nonce}", uri="${uri}", ` +
          `response="${randomBytes(16).toString('hex')}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c"`;
        const reply = await s.request(
          register(s, { domain: one.domain, user: '1001', callId: `flood-${i}`, cseq: 1, authorization }),
        );
        if (statusOf(reply)) answered++;
      }
    }),
  );
  await Promise.all(sockets.map((s) => s.close()));
  return answered;
}

// ---- workloads: closed loops until the deadline; each answers completed operations ----

async function loop(workers, ms, op) {
  const deadline = performance.now() + ms;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < deadline) {
        if (await op(w)) done++;
        else errors++;
      }
    }),
  );
  return { ops: done, errors };
}

/** Each kind of traffic: `open(one)` makes its clients once, answers `run(ms)` → completed operations. */
const WORKLOADS = {
  restGet: async (one) => ({
    run: (ms) =>
      loop(
        8,
        ms,
        async () =>
          (await http(one.agent, `${one.base}/users/me`, { headers: { authToken: one.token } })).status === 200,
      ),
    close: async () => undefined,
  }),
  restLogin: async (one) => ({
    run: (ms) =>
      loop(4, ms, async () => (await restLogin(one.agent, one.base, 'admin', ADMIN_PASSWORD)).status === 200),
    close: async () => undefined,
  }),
  sipRegister: async (one) => {
    const sockets = await Promise.all(Array.from({ length: 8 }, () => UdpSip.open(LEGIT, one.addresses.sipUdp)));
    const state = sockets.map((s, i) => ({
      s,
      cred: one.sipUsers[i % one.sipUsers.length],
      callId: randomBytes(8).toString('hex'),
      cseq: 0,
    }));
    const op = async (w) => {
      const st = state[w];
      const { user, password } = st.cred;
      const first = await st.s.request(
        register(st.s, { domain: one.domain, user, callId: st.callId, cseq: ++st.cseq }),
      );
      if (statusOf(first) !== 401) return false;
      const ch = challengeOf(first);
      const uri = `sip:${one.domain}`;
      const authorization = digest({ user, password, realm: ch.realm, nonce: ch.nonce, opaque: ch.opaque, uri });
      const second = await st.s.request(
        register(st.s, { domain: one.domain, user, callId: st.callId, cseq: ++st.cseq, authorization }),
      );
      return statusOf(second) === 200;
    };
    return {
      run: (ms) => loop(sockets.length, ms, op),
      close: () => Promise.all(sockets.map((s) => s.close())),
    };
  },
};

export async function benchAuth() {
  ensureBuilt([INDEX]);
  const { createSimulator } = createRequire(import.meta.url)(INDEX);
  const rounds = envInt('BENCH_AUTH_ROUNDS', 5);
  const slices = envInt('BENCH_AUTH_SLICES', 12);
  const sliceMs = envInt('BENCH_AUTH_SLICE_MS', 150);
  const foreign = envInt('BENCH_AUTH_FOREIGN', 50_000);
  const a = await startOne(createSimulator);
  const b = await startOne(createSimulator);
  const c = await startOne(createSimulator);
  try {
    const guesses = Math.ceil(foreign / 2);
    progress(`filling B's limiter: ${guesses} digest guesses from ${ATTACKER} (≈ ${guesses * 2} entries)`);
    const t0 = performance.now();
    const answered = await fill(b, guesses);
    const fillMs = performance.now() - t0;
    const held = await restLogin(b.agent, b.base, 'flood-1', 'guess', ATTACKER);
    const unguessed = await restLogin(b.agent, b.base, 'admin', ADMIN_PASSWORD, ATTACKER);
    progress(
      `${answered} of ${guesses} answered in ${Math.round(fillMs)} ms; REST from ${ATTACKER}: guessed login → ${held.status}, admin → ${unguessed.status}`,
    );
    if (held.status !== 429)
      throw new Error(`B's limiter did not take the attack (a guessed login got ${held.status})`);
    const results = {};
    const sims = { a, b, c };
    for (const [name, open] of Object.entries(WORKLOADS)) {
      const runs = { a: await open(a), b: await open(b), c: await open(c) };
      try {
        for (const run of Object.values(runs)) await run.run(300);
        const res = (results[name] = { a: [], b: [], c: [], ratio: [], control: [], errors: 0 });
        for (let r = 0; r < rounds; r++) {
          // Short slices, every order of A, B and C in turn: a change in the machine's load over a round falls on
          // all three alike.
          const ops = { a: 0, b: 0, c: 0 };
          for (let i = 0; i < slices; i++) {
            for (const side of ORDERS[i % ORDERS.length]) {
              const out = await runs[side].run(sliceMs);
              ops[side] += out.ops;
              res.errors += out.errors;
            }
          }
          const seconds = (slices * sliceMs) / 1000;
          for (const side of Object.keys(sims)) res[side].push(ops[side] / seconds);
          res.ratio.push(ops.b / ops.a);
          res.control.push(ops.c / ops.a);
          progress(
            `${name} round ${r + 1}/${rounds}: A ${Math.round(ops.a / seconds)}/s, B ${Math.round(ops.b / seconds)}/s, C ${Math.round(ops.c / seconds)}/s; B/A ${round(ops.b / ops.a, 3)}, C/A ${round(ops.c / ops.a, 3)}`,
          );
        }
      } finally {
        for (const run of Object.values(runs)) await run.close();
      }
    }
    const workloads = {};
    const target = {};
    for (const [name, res] of Object.entries(results)) {
      const ratio = stats(res.ratio, { upper: 0.9, digits: 3 });
      workloads[name] = {
        opsPerSecondA: stats(res.a, { digits: 0 }),
        opsPerSecondB: stats(res.b, { digits: 0 }),
        ratioBtoA: ratio,
        ratios: res.ratio.map((x) => round(x, 3)),
        controlCtoA: stats(res.control, { upper: 0.9, digits: 3 }),
        errors: res.errors,
      };
      target[name] = { medianRatioAtLeast: TARGET_RATIO, met: ratio.median >= TARGET_RATIO };
    }
    return {
      bench: 'auth',
      setup: {
        a: 'limiter as shipped, empty',
        c: 'limiter as shipped, empty (control: C/A shows what noise alone makes of the ratio)',
        b: `limiter as shipped after ${guesses} counted digest guesses from ${ATTACKER} (≈ ${guesses * 2} entries)`,
        fillMs: Math.round(fillMs),
        guessedLoginFromAttacker: held.status,
        adminFromAttacker: unguessed.status,
      },
      rounds,
      slicesPerRound: slices,
      sliceMs,
      workloads,
      target,
      note: 'one process for clients and the simulators; per round and kind, short slices in every order of A, B, C; the machine may be shared',
    };
  } finally {
    for (const one of [a, b, c]) {
      one.agent.destroy();
      await one.sim.stop();
    }
  }
}
