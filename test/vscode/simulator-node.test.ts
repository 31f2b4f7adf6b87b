// The "Simulator" node (issue 14) in a real extension host against the bundled simulator: its addresses are the
// ready line's and copy to the clipboard, the admin password is masked until "Reveal" and copies from SecretStorage,
// the logins come from the simulator (GET /rest/sim/credentials) with their passwords, and "Copy Softphone
// Settings" puts an account a softphone can register with on the clipboard — checked by a real SIP REGISTER.
import * as assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createHash, randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { DevKitApi } from '../../extension/src/extension';
import type { TreeNode } from '../../extension/src/model/tree/pbxTreeModel';
import { until } from '../support/until';
import { exec } from './support/exec';
import { activateDevKit, SIM, SIM_WS, simulatorSession } from './support/host';

let api: DevKitApi;
let startedHere = false;

async function child(parent: TreeNode | undefined, label: string | RegExp): Promise<TreeNode> {
  const kids = await api.tree.getChildren(parent);
  const found = kids.find((n) => (typeof label === 'string' ? n.label === label : label.test(n.label)));
  assert.ok(
    found,
    `"${parent?.label ?? '(root)'}" has a child ${String(label)}; it has ${kids.map((k) => JSON.stringify(k.label)).join(', ')}`,
  );
  return found;
}
const simulatorNode = async () => child(await child(undefined, SIM), 'Simulator');
const passwordNode = async () => child(await simulatorNode(), 'Admin password');
const description = (node: TreeNode) => String(api.tree.getTreeItem(node).description ?? '');

/** One UDP REGISTER with digest (RFC 2617/7616 as the registrar offers it): the final status code. */
async function register(settings: Record<string, string>): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const local = sock.address();
  const host = settings['Proxy host']!;
  const port = Number(settings.Port);
  const aor = `sip:${settings.Username}@${settings.Domain}`;
  const callId = randomBytes(8).toString('hex');
  const send = (cseq: number, auth?: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no SIP answer within 10 s')), 10_000);
      sock.once('message', (msg) => {
        clearTimeout(timer);
        resolve(msg.toString());
      });
      const lines = [
        `REGISTER sip:${settings.Domain} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local.port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
        'Max-Forwards: 70',
        `From: <${aor}>;tag=${randomBytes(4).toString('hex')}`,
        `To: <${aor}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} REGISTER`,
        `Contact: <sip:${settings.Username}@127.0.0.1:${local.port}>`,
        'Expires: 60',
        ...(auth ? [`Authorization: ${auth}`] : []),
        'Content-Length: 0',
        '',
        '',
      ];
      sock.send(lines.join('\r\n'), port, host);
    });
  try {
    const challenge = await send(1);
    const header =
      /^WWW-Authenticate: Digest (.*(algorithm=MD5).*)$/im.exec(challenge) ??
      /^WWW-Authenticate: Digest (.*)$/im.exec(challenge);
    assert.ok(header, `a digest challenge: ${challenge}`);
    const params = Object.fromEntries([...header[1]!.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1]!, m[2]!]));
    const algorithm = (params.algorithm ?? 'MD5').toUpperCase();
    const hashName = algorithm.startsWith('SHA-512-256')
      ? 'sha512-256'
      : algorithm.startsWith('SHA-256')
        ? 'sha256'
        : 'md5';
    const h = (v: string) => createHash(hashName).update(v).digest('hex');
    const uri = `sip:${settings.Domain}`;
    const cnonce = randomBytes(4).toString('hex');
    // A softphone with a realm field sends the one it was given: it must be the challenge's.
    assert.equal(settings.Realm, params.realm, 'the settings name the realm the registrar challenges with');
    const ha1 = h(`${settings['Auth username']}:${settings.Realm}:${settings.Password}`);
    const ha2 = h(`REGISTER:${uri}`);
    const response = params.qop
      ? h(`${ha1}:${params.nonce}:00000001:${cnonce}:auth:${ha2}`)
      : h(`${ha1}:${params.nonce}:${ha2}`);
    const auth = `Digest username="${settings['Auth username']}", realm="${settings.Realm}", nonce="${params.nonce}", uri="${uri}", response="${response}", algorithm=${params.algorithm ?? 'MD5'}${params.qop ? `, qop=auth, nc=00000001, cnonce="${cnonce}"` : ''}${params.opaque ? `, opaque="${params.opaque}"` : ''}`;
    return Number(/^SIP\/2\.0 (\d{3})/.exec(await send(2, auth))?.[1]);
  } finally {
    sock.close();
  }
}

describe('the Simulator node (addresses, admin password, logins, softphone settings)', function () {
  this.timeout(60_000);

  before(async () => {
    api = await activateDevKit();
    startedHere = !api.simulator.running;
    await simulatorSession(api);
  });
  after(async () => {
    await exec(5_000, 'starface.hideSimulatorPassword');
    // Later files expect what they found before this one: no simulator signed in.
    if (startedHere) await exec(15_000, 'starface.stopSimulator');
  });

  it("shows the running simulator's six addresses, each copyable", async () => {
    const node = await simulatorNode();
    assert.equal(node.contextValue, 'simulator');
    const ready = api.simulator.addresses!;
    const rows = (await api.tree.getChildren(node)).filter((n) => n.contextValue === 'simAddress');
    assert.deepEqual(
      rows.map((n) => [n.label, description(n)]),
      [
        ['REST', ready.rest],
        ['UCI WebSocket', ready.uci],
        ['UCI XML-RPC', ready.xmlRpc],
        ['SIP UDP', ready.sipUdp],
        ['SIP TCP', ready.sipTcp],
        ['SIP WebSocket', ready.sipWs],
        // With starface.simulator.tls (the tier's --tls): SIP over TLS and the certificate's fingerprint too.
        ...(ready.sipTls
          ? [
              ['SIP TLS', ready.sipTls],
              ['TLS SHA-256', ready.fingerprint],
            ]
          : []),
      ],
    );
    assert.match(ready.sipUdp!, /^127\.0\.0\.1:\d+$/);
    const sipUdp = rows.find((n) => n.label === 'SIP UDP')!;
    assert.equal(await exec(5_000, 'starface.copyValue', sipUdp), ready.sipUdp);
    assert.equal(await vscode.env.clipboard.readText(), ready.sipUdp);
  });

  it('masks the admin password, reveals it on "Reveal", masks it again on "Hide"; "Copy" copies it', async () => {
    const secret = await (async () => {
      // The password the extension started its simulator with, from SecretStorage through the copy command.
      await vscode.env.clipboard.writeText('');
      assert.equal(await exec(5_000, 'starface.copySimulatorPassword'), true);
      return vscode.env.clipboard.readText();
    })();
    assert.ok(secret.length >= 16, 'a generated password was copied');
    const s = api.sessions.get(SIM)!;
    await s.signIn(secret); // it is the password the simulator takes

    let node = await passwordNode();
    assert.equal(description(node), '•••');
    assert.equal(node.contextValue, 'simAdminPassword.hidden');
    assert.ok(
      !JSON.stringify(await api.tree.getChildren(await simulatorNode())).includes(secret),
      'no node holds the hidden password',
    );

    assert.equal(await exec(5_000, 'starface.revealSimulatorPassword'), true);
    node = await passwordNode();
    assert.equal(description(node), secret);
    assert.equal(node.contextValue, 'simAdminPassword.revealed');

    assert.equal(await exec(5_000, 'starface.hideSimulatorPassword'), true);
    assert.equal(description(await passwordNode()), '•••');
  });

  it('a revealed password is masked again when the STARFACE view is hidden', async () => {
    await vscode.commands.executeCommand('starface.pbx.focus');
    await until('the STARFACE view is shown', () => api.pbxView.visible);
    assert.equal(await exec(5_000, 'starface.revealSimulatorPassword'), true);
    assert.equal((await passwordNode()).contextValue, 'simAdminPassword.revealed');
    await vscode.commands.executeCommand('workbench.view.explorer');
    await until('the STARFACE view is hidden', () => !api.pbxView.visible);
    await until('the password is masked', () => !api.tree.adminPasswordRevealed);
    assert.equal(description(await passwordNode()), '•••');
  });

  it('a stopped simulator has no node, and "Copy Admin Password" says it is not running', async () => {
    await exec(15_000, 'starface.stopSimulator');
    const conn = await child(undefined, SIM);
    assert.ok(!(await api.tree.getChildren(conn)).some((n) => n.label === 'Simulator'));
    await vscode.env.clipboard.writeText('unchanged');
    assert.equal(await exec(5_000, 'starface.copySimulatorPassword'), undefined, 'refused (an error message, no copy)');
    assert.equal(await vscode.env.clipboard.readText(), 'unchanged');
    await simulatorSession(api, { fresh: true });
    assert.equal(description(await passwordNode()), '•••', 'a new simulator starts masked');
  });

  it('lists the logins with their passwords from the simulator; "Copy Value" copies a password', async () => {
    const logins = await child(await simulatorNode(), 'Logins');
    const rows = await api.tree.getChildren(logins);
    assert.deepEqual(
      rows.map((n) => [n.label, description(n)]),
      [
        ['1001 Anna Albers', 'anna-demo-1001'],
        ['1002 Bernd Brandt', 'bernd-demo-1002'],
        ['1003 Carla Conrad', 'carla-demo-1003'],
      ],
    );
    assert.equal(await exec(5_000, 'starface.copyValue', rows[1]), 'bernd-demo-1002');
    assert.equal(await vscode.env.clipboard.readText(), 'bernd-demo-1002');
  });

  it('"Copy Softphone Settings" copies an account that registers with the simulator\'s SIP registrar', async () => {
    const anna = await child(await child(await simulatorNode(), 'Logins'), /^1001 /);
    const text = await exec<string>(10_000, 'starface.copySoftphoneSettings', anna);
    assert.equal(await vscode.env.clipboard.readText(), text);
    const settings = Object.fromEntries(
      text!
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((line) => {
          const at = line.indexOf(':');
          return [line.slice(0, at), line.slice(at + 1).trim()];
        }),
    );
    const [host, port] = api.simulator.addresses!.sipUdp!.split(':');
    assert.deepEqual(
      {
        domain: settings.Domain,
        proxy: settings['Proxy host'],
        port: settings.Port,
        username: settings.Username,
        password: settings.Password,
      },
      { domain: host, proxy: host, port, username: '1001', password: 'anna-demo-1001' },
    );
    assert.match(
      settings.Transport!,
      new RegExp(
        `^UDP \\(also: TCP on 127\\.0\\.0\\.1:\\d+; WebSocket ${SIM_WS}://127\\.0\\.0\\.1:\\d+/sip${SIM_WS === 'wss' ? '; TLS on 127\\.0\\.0\\.1:\\d+' : ''}\\)$`,
      ),
    );
    assert.equal(await register(settings), 200, 'a REGISTER with these settings is accepted');

    // The same command on the user in "Users" (its node carries the user id).
    const users = await child(await child(undefined, SIM), 'Users');
    const carla = await child(users, /^1003 /);
    assert.match(
      (await exec<string>(10_000, 'starface.copySoftphoneSettings', carla)) ?? '',
      /\nUsername: +1003\n[\s\S]*\nPassword: +carla-demo-1003\n/,
    );
  });

  it('a user created over REST: the login password is not listed, the settings carry the generated SIP secret', async () => {
    const session = await simulatorSession(api);
    const loginPassword = 'gina-login-password-1';
    const created = (await session.api.client.send('POST', '/users', {
      login: '2095',
      firstName: 'Gina',
      familyName: 'Gerber',
      email: '',
      language: 'en',
      password: loginPassword,
      extension: '2095',
    })) as { id: number };
    try {
      const gina = await child(await child(await simulatorNode(), 'Logins'), /^2095 /);
      assert.equal(description(gina), 'login password kept as a hash only');
      assert.equal(gina.contextValue, 'simLogin', 'no password to copy');
      const text = (await exec<string>(10_000, 'starface.copySoftphoneSettings', gina)) ?? '';
      const password = /\nPassword: +(\S+)\n/.exec(text)?.[1];
      assert.ok(password, text);
      assert.notEqual(password, loginPassword, 'the SIP secret is not the login password');
      assert.ok(!text.includes(loginPassword), 'the login password appears nowhere');
      const settings = Object.fromEntries(
        text
          .split('\n')
          .slice(1)
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      assert.equal(await register(settings), 200, 'the copied SIP secret registers');
      assert.equal(await register({ ...settings, Password: loginPassword }), 401, 'the login password does not');
    } finally {
      // Later files expect the demo's users only.
      await session.api.client.send('DELETE', `/users/${created.id}`, undefined);
    }
  });
});
