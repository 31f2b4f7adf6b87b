import { restLoginSecret } from '../../../shared/hashes.js';

/**
 * The real login handshake of a CLI that is a client of a running simulator (`record`, `story`): GET the nonce,
 * POST the secret; the answer's token, or an error naming the status and the PBX's message.
 */
export async function restLogin(rest: string, login: string, password: string): Promise<string> {
  const challenge = await fetch(`${rest}/login`, { headers: { 'X-Version': '2' } });
  if (!challenge.ok) throw new Error(`GET ${rest}/login answered ${challenge.status}`);
  const { nonce } = (await challenge.json()) as { nonce: string };
  const res = await fetch(`${rest}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Version': '2' },
    body: JSON.stringify({ loginType: 'Internal', nonce, secret: restLoginSecret(login, nonce, password) }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
  if (res.status !== 200 || !body.token)
    throw new Error(`login as ${login} failed: ${res.status} ${body.message ?? ''}`);
  return body.token;
}
