// The extension in the test host and its bundled simulator, as every test file sets them up.
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../../extension/src/extension';
import type { PbxSession } from '../../../extension/src/model/pbxSession';
import { TEST_TLS } from '../../support/testTls';
import { until } from '../../support/until';
import { exec } from './exec';

export const EXTENSION_ID = 'starface-devkit.starface-teams-devkit';
/** The connection the extension makes for its bundled simulator. */
export const SIM = 'Local simulator';
/** The scheme of the bundled simulator's addresses: https under --tls (`starface.simulator.tls` is on). */
export const SIM_HTTP = TEST_TLS ? 'https' : 'http';
/** The scheme of its WebSocket addresses (UCI, SIP over WebSocket). */
export const SIM_WS = TEST_TLS ? 'wss' : 'ws';
/** The bundled simulator's REST address as startSimulator answers it. */
export const SIM_REST = new RegExp(`^${SIM_HTTP}://127\\.0\\.0\\.1:\\d+/rest$`);

/** Activates the extension and answers its API. */
export async function activateDevKit(): Promise<DevKitApi> {
  const ext = vscode.extensions.getExtension<DevKitApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is present`);
  return ext.activate();
}

/**
 * The bundled simulator's session, signed in and selected. It is started with the demo scenario when it is not
 * running, or always with `fresh` (another file may have left it running with a changed PBX).
 */
export async function simulatorSession(api: DevKitApi, opts: { fresh?: boolean } = {}): Promise<PbxSession> {
  if (opts.fresh || !api.simulator.running) {
    const rest = await exec<string>(30_000, 'starface.startSimulator', { scenario: 'demo' });
    assert.match(rest ?? '', SIM_REST, 'the simulator started');
  }
  const s = api.sessions.get(SIM);
  assert.ok(s, 'the simulator connection exists');
  await until('the session is signed in', () => s.state === 'ready', 20_000);
  api.sessions.select(SIM);
  return s;
}

/**
 * The bundled simulator's server certificate, checked to be signed by the CA of its ready line, or undefined when it
 * runs without TLS.
 */
export function simulatorCertificate(api: DevKitApi): X509Certificate | undefined {
  const caFile = api.simulator.ca;
  if (!caFile) return undefined;
  const ca = new X509Certificate(readFileSync(caFile));
  const server = new X509Certificate(readFileSync(join(dirname(caFile), 'server.pem')));
  assert.ok(server.verify(ca.publicKey), 'the simulator’s server certificate is signed by its CA');
  return server;
}

/**
 * Under --tls a `pbx` connection to the bundled simulator's https address is asked about its certificate like any
 * PBX (the simulator's CA is trusted for the simulator's own connection only). A test file that adds such
 * connections answers those modals as a user who compared the fingerprint: trust exactly the certificate the running
 * simulator presents (signed by the CA of its ready line), nothing else. Answers the undo, for the file's `after`.
 */
export function trustSimulatorCertificateInPrompts(api: DevKitApi): () => void {
  if (!TEST_TLS) return () => {};
  api.certificates.answerForTests = (seen) =>
    seen.kind === 'trust' && seen.cert.fingerprint === simulatorCertificate(api)?.fingerprint256;
  return () => {
    api.certificates.answerForTests = undefined;
  };
}

/**
 * A GET to the bundled simulator from the test itself; answers the status. Under --tls it trusts the CA of the
 * simulator's ready line for this request only (Node's fetch knows nothing of it).
 */
export function simulatorGet(api: DevKitApi, url: string): Promise<number> {
  const caFile = api.simulator.ca;
  return new Promise((resolve, reject) => {
    const req = url.startsWith('https:')
      ? httpsGet(url, { ...(caFile && { ca: readFileSync(caFile) }) })
      : httpGet(url);
    req.once('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
  });
}
