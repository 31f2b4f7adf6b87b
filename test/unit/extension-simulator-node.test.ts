import assert from 'node:assert/strict';
import type { SimCredentials } from '../../shared/schemas/credentials.js';
import { englishOnly } from '../../extension/src/text/i18n.js';
import {
  isLocalSimulator,
  loginNodes,
  MASK,
  simulatorNode,
  softphoneSettings,
  type SimulatorAddresses,
} from '../../extension/src/model/tree/simulatorNode.js';

const ctx = { t: englishOnly, language: 'en', now: 0 };
const ref = { connection: 'Local simulator' };
const ADDRESSES: SimulatorAddresses = {
  rest: 'http://127.0.0.1:41001/rest',
  uci: 'ws://127.0.0.1:41001/uci',
  xmlRpc: 'http://127.0.0.1:41001/xml-rpc',
  sipUdp: '127.0.0.1:45060',
  sipTcp: '127.0.0.1:45060',
  sipWs: 'ws://127.0.0.1:41001/sip',
  pid: 4242,
};
const CREDS: SimCredentials = {
  users: [
    {
      userId: 2,
      login: '1001',
      firstName: 'Anna',
      familyName: 'Albers',
      extension: '1001',
      password: 'anna-demo-1001',
      sipPassword: 'anna-demo-1001',
    },
    {
      userId: 5,
      login: '2001',
      firstName: 'Dora',
      familyName: 'Dietz',
      extension: null,
      password: null,
      sipPassword: 'dora-sip-2001',
    },
  ],
  sipDomains: ['pbx.demo.starface.test', '127.0.0.1', 'localhost'],
  sipRealm: 'pbx.demo.starface.test',
};

describe('unit: the "Simulator" node (tree model)', () => {
  it('a STARFACE 10 simulator has an "OAuth client" child: the client id, the secret masked (never in the node)', () => {
    const ten = simulatorNode({ addresses: ADDRESSES, adminLogin: 'admin', version: '10.0.2.5' }, ref, ctx);
    const oauth = ten.children!.filter((n) => n.contextValue === 'simOAuthClient');
    assert.equal(oauth.length, 1);
    assert.equal(oauth[0]!.label, 'OAuth client');
    assert.equal(oauth[0]!.description, `rest-client-headless · ${MASK}`);
    assert.equal(oauth[0]!.value, 'rest-client-headless');
    for (const version of [undefined, '8.1.0.4', '9.0.0.1']) {
      const older = simulatorNode({ addresses: ADDRESSES, adminLogin: 'admin', version }, ref, ctx);
      assert.equal(older.children!.filter((n) => n.contextValue === 'simOAuthClient').length, 0, String(version));
    }
  });

  it('lists the six addresses, each copyable with its value', () => {
    const node = simulatorNode({ addresses: ADDRESSES, adminLogin: 'admin' }, ref, ctx);
    assert.equal(node.label, 'Simulator');
    assert.equal(node.description, 'running · pid 4242');
    const addresses = node.children!.filter((n) => n.contextValue === 'simAddress');
    assert.deepEqual(
      addresses.map((n) => [n.label, n.value]),
      [
        ['REST', ADDRESSES.rest],
        ['UCI WebSocket', ADDRESSES.uci],
        ['UCI XML-RPC', ADDRESSES.xmlRpc],
        ['SIP UDP', ADDRESSES.sipUdp],
        ['SIP TCP', ADDRESSES.sipTcp],
        ['SIP WebSocket', ADDRESSES.sipWs],
      ],
    );
    assert.equal(new Set(node.children!.map((n) => n.id)).size, node.children!.length, 'ids are unique');
  });

  it('leaves out an address the ready line lacks (an older simulator without xmlRpc)', () => {
    const node = simulatorNode({ addresses: { ...ADDRESSES, xmlRpc: undefined }, adminLogin: 'admin' }, ref, ctx);
    assert.ok(!node.children!.some((n) => n.label === 'UCI XML-RPC'));
  });

  it('masks the admin password unless it is given (revealed); a masked node carries no secret', () => {
    const hidden = simulatorNode({ addresses: ADDRESSES, adminLogin: 'admin' }, ref, ctx).children!.find((n) =>
      n.id.endsWith(':adminPassword'),
    )!;
    assert.equal(hidden.description, MASK);
    assert.equal(hidden.contextValue, 'simAdminPassword.hidden');
    assert.equal(hidden.value, undefined);
    const shown = simulatorNode(
      { addresses: ADDRESSES, adminLogin: 'admin', adminPassword: 's3cret-pw' },
      ref,
      ctx,
    ).children!.find((n) => n.id.endsWith(':adminPassword'))!;
    assert.equal(shown.description, 's3cret-pw');
    assert.equal(shown.contextValue, 'simAdminPassword.revealed');
    assert.ok(!JSON.stringify(hidden).includes('s3cret-pw'));
  });

  it('loads the logins lazily and lists them with their passwords; an unknown one says so', () => {
    const logins = simulatorNode({ addresses: ADDRESSES, adminLogin: 'admin' }, ref, ctx).children!.find(
      (n) => n.contextValue === 'simLogins',
    )!;
    assert.equal(logins.lazy, 'simulatorLogins');
    const [anna, dora] = loginNodes(CREDS, ref, ctx);
    assert.equal(anna!.label, '1001 Anna Albers');
    assert.equal(anna!.description, 'anna-demo-1001');
    assert.equal(anna!.value, 'anna-demo-1001', 'Copy Value copies the password');
    assert.equal(anna!.contextValue, 'simLogin.hasPassword');
    assert.equal(anna!.ref.userId, 2);
    assert.match(anna!.tooltip!, /SIP password: the same/);
    assert.equal(dora!.description, 'login password kept as a hash only');
    assert.equal(dora!.contextValue, 'simLogin');
    assert.equal(dora!.value, undefined);
    assert.match(dora!.tooltip!, /SIP password: dora-sip-2001/);
    assert.equal(
      loginNodes({ users: [], sipDomains: [], sipRealm: '127.0.0.1' }, ref, ctx)[0]!.label,
      'No users but the admin',
    );
  });

  it('softphone settings: domain, proxy, port, transport, username = login, password = SIP password, the challenge realm', () => {
    const text = softphoneSettings(CREDS.users[1]!, CREDS.sipRealm, ADDRESSES, englishOnly);
    assert.equal(
      text,
      [
        'STARFACE simulator — SIP account of 2001 (Dora Dietz)',
        'Domain:        127.0.0.1',
        'Proxy host:    127.0.0.1',
        'Port:          45060',
        'Transport:     UDP (also: TCP on 127.0.0.1:45060; WebSocket ws://127.0.0.1:41001/sip)',
        'Username:      2001',
        'Auth username: 2001',
        'Password:      dora-sip-2001',
        'Realm:         pbx.demo.starface.test',
        'SIP address:   sip:2001@127.0.0.1',
        '',
      ].join('\n'),
    );
    // With --tls: SIP over TLS among the alternatives, and the certificate's fingerprint to compare.
    const fingerprint = Array.from({ length: 32 }, (_, i) => (i + 16).toString(16).toUpperCase()).join(':');
    const tls = softphoneSettings(
      CREDS.users[1]!,
      CREDS.sipRealm,
      { ...ADDRESSES, sipWs: 'wss://127.0.0.1:41001/sip', sipTls: '127.0.0.1:45061', fingerprint },
      englishOnly,
    );
    assert.match(
      tls,
      /\nTransport: +UDP \(also: TCP on 127\.0\.0\.1:45060; WebSocket wss:\/\/127\.0\.0\.1:41001\/sip; TLS on 127\.0\.0\.1:45061\)\n/,
    );
    assert.ok(tls.endsWith(`\nTLS certificate SHA-256: ${fingerprint}\n`), tls);
    assert.match(
      softphoneSettings(CREDS.users[0]!, '[::1]', { rest: ADDRESSES.rest, sipUdp: '[::1]:5070' }, englishOnly),
      /Domain: +\[::1\]\nProxy host: +\[::1\]\nPort: +5070\nTransport: +UDP\n/,
    );
  });

  it("isLocalSimulator: a simulator connection at the ready line's REST base only", () => {
    const conn = {
      name: 'Local simulator',
      url: 'http://127.0.0.1:41001',
      login: 'admin',
      kind: 'simulator' as const,
      auth: 'auto' as const,
    };
    assert.equal(isLocalSimulator(conn, ADDRESSES), true);
    assert.equal(isLocalSimulator({ ...conn, url: 'http://127.0.0.1:41001/' }, ADDRESSES), true);
    // Compared as the REST client addresses them (restBaseUrl), so a stored URL with /rest is the same simulator.
    assert.equal(isLocalSimulator({ ...conn, url: 'http://127.0.0.1:41001/rest' }, ADDRESSES), true);
    assert.equal(isLocalSimulator({ ...conn, url: 'http://user:pw@127.0.0.1:41001' }, ADDRESSES), false);
    assert.equal(isLocalSimulator({ ...conn, url: 'http://127.0.0.1:8080' }, ADDRESSES), false);
    assert.equal(isLocalSimulator({ ...conn, kind: 'pbx' }, ADDRESSES), false);
    assert.equal(isLocalSimulator(conn, undefined), false);
  });
});
