import { restLoginSecret } from '../../shared/hashes.js';
import {
  createSimulator,
  type Simulator,
  type SimulatorAddresses,
  type SimulatorOptions,
} from '../../simulator/src/simulator.js';
import { silentLogger } from '../../simulator/src/log.js';
import { simulatorInternals, type SimulatorInternals } from '../../simulator/src/internals.js';
import { testTlsOptions } from './testTls.js';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small client for the STARFACE REST API over real HTTP, doing the real login handshake. */
export class RestClient {
  token: string | undefined;
  /** An OAuth access token (STARFACE 10), sent as `Authorization: Bearer` when set. */
  bearer: string | undefined;

  constructor(readonly base: string) {}

  async call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts: { raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Version': '2', ...opts.headers };
    if (this.token) headers.authToken = this.token;
    if (this.bearer) headers.Authorization = `Bearer ${this.bearer}`;
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    let parsed: unknown = text;
    if (text && res.headers.get('content-type')?.includes('json')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.call<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.call<T>('POST', path, body);
  }
  put<T = any>(path: string, body?: unknown) {
    return this.call<T>('PUT', path, body);
  }
  delete<T = any>(path: string) {
    return this.call<T>('DELETE', path);
  }

  /** GET /login for a nonce, POST the secret; keeps the token. Throws with the answer when refused. */
  async login(login: string, password: string): Promise<string> {
    const challenge = await this.get('/login');
    const reply = await this.post('/login', {
      loginType: 'Internal',
      nonce: challenge.body.nonce,
      secret: restLoginSecret(login, challenge.body.nonce, password),
    });
    if (reply.status !== 200) throw new Error(`login ${login} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    this.token = reply.body.token;
    return this.token!;
  }
}

export const ADMIN_PASSWORD = 'admin-test-password';

export const DEMO_USERS = {
  anna: { login: '1001', password: 'anna-demo-1001' },
  bernd: { login: '1002', password: 'bernd-demo-1002' },
  carla: { login: '1003', password: 'carla-demo-1003' },
} as const;

export interface RunningSim {
  /** The public handle, as a program embedding the simulator has it. */
  sim: Simulator;
  /** The parts inside (bus, SIP server, UCI), for setup that reaches past the wire. */
  internals: SimulatorInternals;
  /** Every listener's address: rest, sipUdp, sipTcp, sipWs, uci. */
  addresses: SimulatorAddresses;
  base: string;
  /** Signed in as admin. */
  admin: RestClient;
  client(): RestClient;
  as(user: { login: string; password: string }): Promise<RestClient>;
  stop(): Promise<void>;
}

/** A real simulator on a free port (in memory unless `dataDir` is given), with an admin client signed in. */
export async function startSim(opts: SimulatorOptions = {}): Promise<RunningSim> {
  const sim = createSimulator({
    memory: opts.dataDir === undefined,
    httpPort: 0,
    sipPort: 0,
    adminPassword: ADMIN_PASSWORD,
    logger: silentLogger,
    ...testTlsOptions(),
    ...opts,
  });
  const addresses = await sim.start();
  const { rest } = addresses;
  const admin = new RestClient(rest);
  await admin.login('admin', opts.adminPassword ?? ADMIN_PASSWORD);
  return {
    sim,
    internals: simulatorInternals(sim),
    addresses,
    base: rest,
    admin,
    client: () => new RestClient(rest),
    async as(user) {
      const c = new RestClient(rest);
      await c.login(user.login, user.password);
      return c;
    },
    stop: () => sim.stop(),
  };
}
