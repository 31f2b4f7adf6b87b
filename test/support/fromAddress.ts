/**
 * HTTP from a chosen loopback address (Linux answers for all of 127/8): a second "source" for tests of per-address
 * rules, without leaving the machine. fetch() cannot bind its socket, so this is node:http.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { restLoginSecret } from '../../shared/hashes.js';

export interface FromReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One request from `localAddress`; a JSON answer is parsed. */
export function httpFrom(
  localAddress: string,
  url: string,
  opts: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<FromReply> {
  return new Promise((resolve, reject) => {
    // https under --tls (test/support/testTls.ts): verified against the CA the run trusts.
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = /json/.test(res.headers['content-type'] ?? '');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: json && text ? JSON.parse(text) : text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The REST login handshake from one address: `attempt` fetches a nonce and posts the secret for it. */
export class RestFrom {
  constructor(
    readonly base: string,
    readonly localAddress: string,
  ) {}

  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<FromReply> {
    return httpFrom(this.localAddress, this.base + path, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'X-Version': '2', ...headers },
    });
  }

  async nonce(): Promise<string> {
    return (await this.call('GET', '/login')).body.nonce as string;
  }

  /** GET a nonce, POST `login:…` for it with this password. */
  async attempt(login: string, password: string): Promise<FromReply> {
    const nonce = await this.nonce();
    return this.post(nonce, restLoginSecret(login, nonce, password));
  }

  post(nonce: string, secret: string): Promise<FromReply> {
    return this.call('POST', '/login', { loginType: 'Internal', nonce, secret });
  }
}
