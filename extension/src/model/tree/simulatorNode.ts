import { restBaseUrl, type Connection } from '../../../../shared/schemas/connection.js';
import { OAUTH_CLIENT_ID, oauthAvailable } from '../../../../shared/schemas/oauth.js';
import type { SimCredential, SimCredentials } from '../../../../shared/schemas/credentials.js';
import type { Translate } from '../../text/i18n.js';
import type { NodeRef, TreeContext, TreeNode } from './pbxTreeModel.js';

/**
 * The "Simulator" node under the connection of the simulator this window runs: what a trainer reads out or
 * pastes — its addresses, the admin password (hidden until revealed) and the logins with their passwords.
 */

/** The simulator's ready line (`--ready-json`), as far as the node needs it; unknown keys are ignored. */
export interface SimulatorAddresses {
  rest: string;
  uci?: string;
  xmlRpc?: string;
  sipUdp?: string;
  sipTcp?: string;
  sipWs?: string;
  /** With `--tls` only: SIP over TLS, and the server certificate's SHA-256 a softphone may be asked to accept. */
  sipTls?: string;
  fingerprint?: string;
  pid?: number;
}

export interface SimulatorView {
  addresses: SimulatorAddresses;
  adminLogin: string;
  /** Present only while revealed: a hidden password never reaches a node. */
  adminPassword?: string;
  /** The version the simulator reports (once signed in): a STARFACE 10 has an OAuth client. */
  version?: string;
}

export const MASK = '•••';

/** Whether a connection is the one the extension made for the simulator it runs (same REST base). */
export function isLocalSimulator(connection: Connection, addresses: SimulatorAddresses | undefined): boolean {
  if (!addresses || connection.kind !== 'simulator') return false;
  try {
    return restBaseUrl(connection.url) === restBaseUrl(addresses.rest);
  } catch {
    return false;
  }
}

const ADDRESS_ROWS: { key: keyof SimulatorAddresses; label: string; icon: string }[] = [
  { key: 'rest', label: 'REST', icon: 'globe' },
  { key: 'uci', label: 'UCI WebSocket', icon: 'plug' },
  { key: 'xmlRpc', label: 'UCI XML-RPC', icon: 'plug' },
  { key: 'sipUdp', label: 'SIP UDP', icon: 'call-outgoing' },
  { key: 'sipTcp', label: 'SIP TCP', icon: 'call-outgoing' },
  { key: 'sipWs', label: 'SIP WebSocket', icon: 'call-outgoing' },
  { key: 'sipTls', label: 'SIP TLS', icon: 'call-outgoing' },
  { key: 'fingerprint', label: 'TLS SHA-256', icon: 'lock' },
];

export function simulatorNode(view: SimulatorView, ref: NodeRef, ctx: TreeContext): TreeNode {
  const { t } = ctx;
  const id = `conn:${ref.connection}:simulator`;
  const addresses: TreeNode[] = ADDRESS_ROWS.flatMap(({ key, label, icon }) => {
    const value = view.addresses[key];
    if (typeof value !== 'string' || !value) return [];
    return [
      {
        id: `${id}:address:${key}`,
        ref,
        label,
        description: value,
        tooltip: t('{0}: {1} (click the copy icon)', label, value),
        icon,
        contextValue: 'simAddress',
        collapsible: 'none' as const,
        value,
      },
    ];
  });
  const revealed = view.adminPassword !== undefined;
  const password: TreeNode = {
    id: `${id}:adminPassword`,
    ref,
    label: t('Admin password'),
    description: revealed ? view.adminPassword : MASK,
    tooltip: t('Password of the login "{0}"; VS Code keeps it in its SecretStorage', view.adminLogin),
    icon: 'key',
    contextValue: `simAdminPassword.${revealed ? 'revealed' : 'hidden'}`,
    collapsible: 'none',
  };
  const logins: TreeNode = {
    id: `${id}:logins`,
    ref,
    label: t('Logins'),
    tooltip: t("The PBX's users with their passwords, as the simulator knows them"),
    icon: 'person',
    contextValue: 'simLogins',
    collapsible: 'collapsed',
    lazy: 'simulatorLogins',
  };
  // The secret itself never reaches a node: "Copy OAuth Client Secret" reads it from the simulator when asked.
  const oauthClient: TreeNode[] =
    view.version !== undefined && oauthAvailable(view.version)
      ? [
          {
            id: `${id}:oauthClient`,
            ref,
            label: t('OAuth client'),
            description: `${OAUTH_CLIENT_ID} · ${MASK}`,
            tooltip: t(
              'STARFACE 10 OAuth: client id {0}; the client secret is the one the admin UI shows under Server › Status › REST-API (copy icon)',
              OAUTH_CLIENT_ID,
            ),
            icon: 'shield',
            contextValue: 'simOAuthClient',
            collapsible: 'none',
            value: OAUTH_CLIENT_ID,
          },
        ]
      : [];
  return {
    id,
    ref,
    label: t('Simulator'),
    description: view.addresses.pid ? t('running · pid {0}', view.addresses.pid) : t('running'),
    tooltip: t('The simulator this window started: addresses, passwords and logins to hand out'),
    icon: 'vm-running',
    contextValue: 'simulator',
    collapsible: 'collapsed',
    children: [...addresses, password, ...oauthClient, logins],
  };
}

/** The children of "Logins", once the simulator has answered. The admin is the password node above. */
export function loginNodes(creds: SimCredentials, ref: NodeRef, ctx: TreeContext): TreeNode[] {
  const { t } = ctx;
  const base = `conn:${ref.connection}:simulator:logins`;
  if (!creds.users.length)
    return [
      {
        id: `${base}:none`,
        ref,
        label: t('No users but the admin'),
        icon: 'info',
        contextValue: 'info',
        collapsible: 'none',
      },
    ];
  return creds.users.map((u) => {
    const name = `${u.firstName} ${u.familyName}`.trim();
    const sipOwn = u.password === null || u.sipPassword !== u.password;
    return {
      id: `${base}:${u.userId}`,
      ref: { ...ref, userId: u.userId },
      label: `${u.login} ${name}`.trim(),
      description: u.password ?? t('login password kept as a hash only'),
      tooltip: [
        name,
        t('login: {0}', u.login),
        u.extension ? t('ext. {0}', u.extension) : '',
        sipOwn ? t('SIP password: {0}', u.sipPassword) : t('SIP password: the same'),
      ]
        .filter(Boolean)
        .join('\n'),
      icon: 'account',
      contextValue: u.password === null ? 'simLogin' : 'simLogin.hasPassword',
      collapsible: 'none',
      value: u.password ?? undefined,
    };
  });
}

function hostPort(address: string): { host: string; port: string } {
  const at = address.lastIndexOf(':');
  return at < 0 ? { host: address, port: '5060' } : { host: address.slice(0, at), port: address.slice(at + 1) };
}

/**
 * What a softphone asks for, as text to paste: the simulator's listening address as domain and proxy (every
 * softphone reaches it without DNS; the registrar serves it), UDP with TCP and WebSocket named as alternatives,
 * and the digest realm — which is the PBX name once one is configured, not the domain, so a softphone that
 * asks for a realm and is given the domain would be refused ("credentials for another realm").
 */
export function softphoneSettings(
  user: SimCredential,
  realm: string,
  addresses: SimulatorAddresses,
  t: Translate,
): string {
  const udp = hostPort(addresses.sipUdp ?? addresses.sipTcp ?? '127.0.0.1:5060');
  const name = `${user.firstName} ${user.familyName}`.trim();
  const alternatives = [
    addresses.sipTcp ? t('TCP on {0}', addresses.sipTcp) : '',
    addresses.sipWs ? t('WebSocket {0}', addresses.sipWs) : '',
    addresses.sipTls ? t('TLS on {0}', addresses.sipTls) : '',
  ]
    .filter(Boolean)
    .join('; ');
  const rows: [string, string][] = [
    [t('Domain'), udp.host],
    [t('Proxy host'), udp.host],
    [t('Port'), udp.port],
    [t('Transport'), alternatives ? `UDP (${t('also')}: ${alternatives})` : 'UDP'],
    [t('Username'), user.login],
    [t('Auth username'), user.login],
    [t('Password'), user.sipPassword],
    [t('Realm'), realm],
    [t('SIP address'), `sip:${user.login}@${udp.host}`],
    // A softphone shows the certificate of SIP over TLS and WSS for acceptance: this is what it must match.
    ...(addresses.fingerprint ? [[t('TLS certificate SHA-256'), addresses.fingerprint] as [string, string]] : []),
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const title = t('STARFACE simulator — SIP account of {0}', name ? `${user.login} (${name})` : user.login);
  return [title, ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`)].join('\n') + '\n';
}
