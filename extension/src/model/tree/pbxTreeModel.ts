import { LICENCE_TYPES, MODE_LABELS, RIGHTS } from '../../../../shared/catalogue.js';
import { requirementById } from '../../../../shared/requirements/rules.js';
import type { Connection } from '../../../../shared/schemas/connection.js';
import { DEFAULT_MIN_VERSION } from '../../../../shared/version.js';
import type { PbxData, UserDetails } from '../../pbx/snapshot.js';
import type { User } from '../../../../shared/schemas/users.js';
import type { Registration } from '../../../../shared/schemas/registrations.js';
import { formatAge, pick, type Translate } from '../../text/i18n.js';
import type { SessionState } from '../pbxSession.js';
import { groupsNode } from './groupNodes.js';
import { telephonyNodes } from './telephonyNodes.js';

/**
 * The PBX tree as plain data: what each node says and offers, with no `vscode` in sight. The tree provider turns
 * nodes into TreeItems; tests build trees straight from simulator snapshots.
 */
export type Collapsible = 'none' | 'collapsed' | 'expanded';

export interface NodeRef {
  connection: string;
  userId?: number;
  configurationId?: number;
  licenceType?: string;
  rightId?: number;
  /** A group's account id (group nodes). */
  groupId?: number;
  /** A redirection's id (redirect nodes; a string in the REST API). */
  redirectId?: string;
  /** One of a user's phone numbers (number nodes under a user). */
  phoneNumberId?: number;
  /** One of a user's phones (phone nodes under a user). */
  phoneId?: number;
}

export interface TreeNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id, e.g. `server`. */
  icon?: string;
  /** A theme colour id for the icon, e.g. `testing.iconFailed`. */
  iconColor?: string;
  /** Space-free flags joined by `.`; menus match them with regular expressions. */
  contextValue: string;
  collapsible: Collapsible;
  /** What "Copy Value" copies. */
  value?: string;
  ref: NodeRef;
  /** Children known now; `undefined` with `lazy` set means they are loaded on expansion. */
  children?: TreeNode[];
  lazy?: 'userDetails' | 'simulatorLogins' | 'userRedirects' | 'userCallJournal';
}

export interface TreeContext {
  t: Translate;
  language: string;
  now: number;
  minVersion?: string;
}

const PASS = { icon: 'pass', color: 'testing.iconPassed' };
const FAIL = { icon: 'error', color: 'testing.iconFailed' };
const WARN = { icon: 'warning', color: 'list.warningForeground' };

function leaf(id: string, ref: NodeRef, label: string, extra: Partial<TreeNode> = {}): TreeNode {
  return { id, ref, label, contextValue: 'info', collapsible: 'none', ...extra };
}

export function connectionNode(
  connection: Connection,
  state: SessionState,
  data: PbxData | undefined,
  error: string | undefined,
  ctx: TreeContext,
): TreeNode {
  const { t } = ctx;
  const ref: NodeRef = { connection: connection.name };
  const flags = ['connection', connection.kind, state === 'ready' ? 'signedIn' : 'signedOut'];
  const base: TreeNode = {
    id: `conn:${connection.name}`,
    ref,
    label: connection.name,
    description: connection.kind === 'simulator' ? t('simulator') : connection.url,
    tooltip: `${connection.name}\n${connection.url}\n${t('login: {0}', connection.login)}`,
    icon: connection.kind === 'simulator' ? 'beaker' : 'server-environment',
    contextValue: flags.join('.'),
    collapsible: state === 'ready' ? 'expanded' : 'collapsed',
    value: connection.url,
  };
  if (state === 'signing-in')
    return { ...base, children: [leaf(`${base.id}:busy`, ref, t('Signing in…'), { icon: 'loading~spin' })] };
  if (state === 'error') {
    return {
      ...base,
      icon: 'error',
      iconColor: FAIL.color,
      children: [
        leaf(`${base.id}:error`, ref, error ?? t('Unknown error'), {
          icon: 'error',
          tooltip: error,
          contextValue: 'error',
        }),
      ],
    };
  }
  if (state !== 'ready' || !data) {
    return {
      ...base,
      children: [
        leaf(`${base.id}:signin`, ref, t('Not signed in — use "Sign In"'), {
          icon: 'sign-in',
          contextValue: 'signInHint',
        }),
      ],
    };
  }
  return {
    ...base,
    children: [
      serverNode(data, ref, ctx),
      licencesNode(data, ref, ctx),
      usersNode(data, ref, ctx),
      ...(data.groups === undefined ? [] : [groupsNode(data.groups, data.users, ref, ctx)]),
      teamsNode(data, ref, ctx),
    ],
  };
}

function serverNode(data: PbxData, ref: NodeRef, ctx: TreeContext): TreeNode {
  const { t } = ctx;
  const minVersion = ctx.minVersion ?? DEFAULT_MIN_VERSION;
  const r1 = requirementById('R1')!.check({
    source: data.simulator ? 'simulator' : 'pbx',
    version: data.version,
    minVersion,
    licences: null,
    users: null,
    modules: null,
    configurations: null,
  });
  const mark = r1.status === 'pass' ? PASS : FAIL;
  return leaf(`conn:${ref.connection}:server`, ref, t('Server'), {
    description: `${data.version} · R1 ${r1.status === 'pass' ? '✓' : '✗'}`,
    tooltip: `${t('Version {0}', data.version)}\nR1: ${pick(r1.message, ctx.language)}${r1.fix ? `\n${pick(r1.fix, ctx.language)}` : ''}`,
    icon: mark.icon,
    iconColor: mark.color,
    contextValue: `server.${r1.status}`,
    value: data.version,
  });
}

/** What stands in for a resource only the simulator offers over REST; on a real STARFACE, `where` has it. */
export function simulatorOnly(id: string, ref: NodeRef, ctx: TreeContext, where: string): TreeNode {
  return leaf(id, ref, ctx.t('Only the simulator offers this over REST'), {
    icon: 'info',
    tooltip: ctx.t('On a real STARFACE see {0} in the admin UI.', where),
    contextValue: 'simulatorOnly',
  });
}

/** What a user without the right "Administration" sees where the PBX refuses to show more. */
function adminOnly(id: string, ref: NodeRef, ctx: TreeContext): TreeNode {
  return leaf(id, ref, ctx.t('Needs the right "Administration"'), {
    icon: 'lock',
    tooltip: ctx.t('You are signed in without the right "Administration": the PBX shows you only your own user.'),
    contextValue: 'adminOnly',
  });
}

function licencesNode(data: PbxData, ref: NodeRef, ctx: TreeContext): TreeNode {
  const { t } = ctx;
  const id = `conn:${ref.connection}:licences`;
  if (!data.licences) {
    const why = data.admin
      ? simulatorOnly(`${id}:na`, ref, ctx, t('Admin › Server › Licences'))
      : adminOnly(`${id}:na`, ref, ctx);
    return {
      id,
      ref,
      label: t('Licences'),
      icon: 'key',
      contextValue: 'licences.unavailable',
      collapsible: 'collapsed',
      children: [why],
    };
  }
  const children = data.licences.map((l) => {
    const label = LICENCE_TYPES.find((x) => x.type === l.type)?.label;
    const exhausted = l.used >= l.count;
    return leaf(`${id}:${l.type}`, { ...ref, licenceType: l.type }, l.type, {
      description: t('{0} of {1} used', l.used, l.count),
      tooltip: `${label ? pick(label, ctx.language) : l.type}\n${t('{0} installed, {1} assigned, {2} free', l.count, l.used, l.count - l.used)}`,
      icon: exhausted ? 'warning' : 'verified',
      iconColor: exhausted ? WARN.color : undefined,
      contextValue: 'licence',
      value: l.type,
    });
  });
  if (!children.length)
    children.push(
      leaf(`${id}:none`, ref, t('No licences installed (R8)'), {
        icon: 'warning',
        iconColor: WARN.color,
        contextValue: 'licences.none',
      }),
    );
  return {
    id,
    ref,
    label: t('Licences'),
    description: String(data.licences.length),
    icon: 'key',
    contextValue: 'licences',
    collapsible: 'collapsed',
    children,
  };
}

function usersNode(data: PbxData, ref: NodeRef, ctx: TreeContext): TreeNode {
  const id = `conn:${ref.connection}:users`;
  return {
    id,
    ref,
    label: ctx.t('Users'),
    description: String(data.users.length),
    icon: 'organization',
    contextValue: 'users',
    collapsible: 'collapsed',
    children: data.users.map((u) => userNode(u, ref, data.simulator, ctx)),
    ...(data.admin
      ? {}
      : {
          tooltip: ctx.t('You are signed in without the right "Administration": the PBX shows you only your own user.'),
        }),
  };
}

function userNode(user: User, ref: NodeRef, simulator: boolean, ctx: TreeContext): TreeNode {
  const name = `${user.firstName} ${user.familyName}`.trim();
  return {
    id: `conn:${ref.connection}:user:${user.id}`,
    ref: { ...ref, userId: user.id },
    label: `${user.login} ${name}`.trim(),
    description: user.extension ? ctx.t('ext. {0}', user.extension) : undefined,
    tooltip: `${name}\n${ctx.t('login: {0}', user.login)}${user.email ? `\n${user.email}` : ''}`,
    icon: 'person',
    contextValue: `user${simulator ? '.simulator' : ''}`,
    collapsible: 'collapsed',
    value: user.login,
    lazy: 'userDetails',
  };
}

/** The children of a user node, once its details are loaded. */
export function userDetailNodes(
  user: User,
  details: UserDetails,
  ref: NodeRef,
  ctx: TreeContext,
  admin = true,
  registrations: Registration[] | null = null,
): TreeNode[] {
  const { t } = ctx;
  const base = `conn:${ref.connection}:user:${user.id}`;
  const userRef = { ...ref, userId: user.id };
  const out: TreeNode[] = [];
  if (details.licences === null) {
    out.push({
      ...simulatorOnly(`${base}:licences`, userRef, ctx, t('Admin › Users › Licences')),
      label: t('Licences: only the simulator offers them over REST'),
    });
  } else {
    out.push({
      id: `${base}:licences`,
      ref: userRef,
      label: t('Licences'),
      description: details.licences.length ? details.licences.join(', ') : t('none'),
      icon: 'key',
      contextValue: 'userLicences',
      collapsible: details.licences.length ? 'collapsed' : 'none',
      children: details.licences.map((l) =>
        leaf(`${base}:licence:${l}`, { ...userRef, licenceType: l }, l, {
          icon: 'verified',
          contextValue: 'userLicence',
          value: l,
        }),
      ),
    });
  }
  out.push({
    id: `${base}:rights`,
    ref: userRef,
    label: t('Rights'),
    description: String(details.rights.length),
    icon: 'shield',
    contextValue: 'userRights',
    collapsible: 'collapsed',
    children: details.rights.map((r) => {
      const entry = RIGHTS.find((x) => x.id === r.id);
      const teams = r.permission === 'app_premium_perm' || r.permission === 'msteams_perm';
      return leaf(`${base}:right:${r.id}`, { ...userRef, rightId: r.id }, r.description, {
        description: entry && ctx.language.startsWith('de') ? undefined : entry?.label.en,
        icon: teams ? 'star-full' : 'check',
        contextValue: 'userRight',
        value: r.description,
      });
    }),
  });
  if (details.app === null) {
    if (admin)
      out.push({
        ...simulatorOnly(`${base}:app`, userRef, ctx, t("the user's STARFACE App")),
        label: t('Desktop app: only the simulator knows it'),
      });
  } else {
    const desktop = details.app.active && (details.app.platform === 'windows' || details.app.platform === 'macos');
    out.push(
      leaf(`${base}:app`, userRef, t('Desktop app'), {
        description: details.app.active ? t('active on {0}', details.app.platform ?? '?') : t('inactive'),
        tooltip: details.app.version ? t('STARFACE App {0}', details.app.version) : undefined,
        icon: desktop ? PASS.icon : FAIL.icon,
        iconColor: desktop ? PASS.color : FAIL.color,
        contextValue: `userApp.${details.app.active ? 'active' : 'inactive'}`,
      }),
    );
  }
  if (details.telephony) out.push(...telephonyNodes(details.telephony, base, userRef, ctx));
  if (registrations) {
    out.push({
      id: `${base}:sip`,
      ref: userRef,
      label: t('SIP registrations'),
      description: registrations.length ? String(registrations.length) : t('none'),
      tooltip: t("Phones and apps registered with the simulator's SIP registrar"),
      icon: 'call-outgoing',
      contextValue: 'userRegistrations',
      collapsible: registrations.length ? 'collapsed' : 'none',
      children: registrations.map((r) =>
        leaf(`${base}:sip:${r.contact}`, userRef, r.contact, {
          description: t('{0} from {1}, {2} s left', r.transport, r.source, r.expiresIn),
          tooltip: [r.aor, r.userAgent ?? '', t('registered {0}', r.registeredAt)].filter(Boolean).join('\n'),
          icon: 'device-mobile',
          contextValue: 'registration',
          value: r.contact,
        }),
      ),
    });
  }
  return out;
}

function teamsNode(data: PbxData, ref: NodeRef, ctx: TreeContext): TreeNode {
  const { t } = ctx;
  const id = `conn:${ref.connection}:teams`;
  if (!data.configurations || !data.modules) {
    const why = data.admin
      ? simulatorOnly(`${id}:na`, ref, ctx, t('Admin › Modules › Module configurations'))
      : adminOnly(`${id}:na`, ref, ctx);
    return {
      id,
      ref,
      label: t('Teams Integration'),
      icon: 'comment-discussion',
      contextValue: 'teams.unavailable',
      collapsible: 'collapsed',
      children: [why],
    };
  }
  const imported = data.modules.find((m) => m.name === 'Teams Integration');
  const children: TreeNode[] = [];
  if (!imported)
    children.push(
      leaf(`${id}:nomodule`, ref, t('Module "Teams Integration" is not imported (R11)'), {
        icon: 'error',
        iconColor: FAIL.color,
        contextValue: 'teams.noModule',
      }),
    );
  for (const { configuration: c, log } of data.configurations) children.push(configurationNode(c, log, ref, ctx));
  if (imported && !data.configurations.length)
    children.push(
      leaf(`${id}:noconfig`, ref, t('No configuration yet (R11)'), {
        icon: 'warning',
        iconColor: WARN.color,
        contextValue: 'teams.noConfiguration',
      }),
    );
  return {
    id,
    ref,
    label: t('Teams Integration'),
    description: imported ? imported.version : t('not imported'),
    icon: 'comment-discussion',
    contextValue: 'teams',
    collapsible: 'expanded',
    children,
  };
}

type ConfigData = NonNullable<PbxData['configurations']>[number];

function configurationNode(
  c: ConfigData['configuration'],
  log: ConfigData['log'],
  ref: NodeRef,
  ctx: TreeContext,
): TreeNode {
  const { t } = ctx;
  const cref: NodeRef = { ...ref, configurationId: c.id };
  const id = `conn:${ref.connection}:config:${c.id}`;
  const flags = [
    'configuration',
    c.active ? 'active' : 'inactive',
    c.connector.active ? 'connectorOn' : 'connectorOff',
  ];
  if (c.pendingRestart) flags.push('pendingRestart');
  if (c.keyFingerprint) flags.push('hasKey');
  const warnings = c.warnings.map((w) => `⚠ ${w.id}: ${pick(w.message, ctx.language)}`);
  const mode = MODE_LABELS[c.mode];
  const keyAge = c.keyCreatedAt ? formatAge(ctx.now - Date.parse(c.keyCreatedAt), t) : undefined;
  const children: TreeNode[] = [
    leaf(`${id}:mode`, cref, t('Mode'), {
      description: mode.de,
      tooltip:
        c.mode === 'PRESENCE_SYNC' ? t('"Abgleich Präsenzstatus" is not supported (R13)') : pick(mode, ctx.language),
      icon: c.mode === 'FULL_INTEGRATION' ? PASS.icon : FAIL.icon,
      iconColor: c.mode === 'FULL_INTEGRATION' ? PASS.color : FAIL.color,
      contextValue: 'configMode',
      value: c.mode,
    }),
    leaf(`${id}:pbxName`, cref, t('PBX name'), {
      description: c.pbxName || t('(empty)'),
      tooltip: t('"Name der Anlage": the PBX\'s FQDN (R14)'),
      icon: c.pbxName ? PASS.icon : FAIL.icon,
      iconColor: c.pbxName ? PASS.color : FAIL.color,
      contextValue: 'configPbxName',
      value: c.pbxName,
    }),
    leaf(`${id}:key`, cref, t('Key'), {
      description: c.keyFingerprint ? `${c.keyFingerprint.slice(0, 19)}… · ${keyAge}` : t('none (R15)'),
      tooltip: c.keyFingerprint
        ? t('Fingerprint {0}\ngenerated {1}', c.keyFingerprint, c.keyCreatedAt ?? '')
        : t('No key yet: generate one (R15)'),
      icon: c.keyFingerprint ? 'key' : FAIL.icon,
      iconColor: c.keyFingerprint ? undefined : FAIL.color,
      contextValue: c.keyFingerprint ? 'configKey.hasKey' : 'configKey',
      value: c.keyFingerprint ?? undefined,
    }),
    leaf(`${id}:autoprovisioning`, cref, t('Autoprovisioning'), {
      description: c.autoprovisioning ? t('on') : t('off (R16)'),
      icon: c.autoprovisioning ? PASS.icon : FAIL.icon,
      iconColor: c.autoprovisioning ? PASS.color : FAIL.color,
      contextValue: 'configAutoprovisioning',
    }),
    leaf(`${id}:connector`, cref, t('UCI connector'), {
      description: c.connector.active
        ? c.pendingRestart
          ? t('active · restart needed')
          : t('active')
        : t('inactive (R18)'),
      tooltip: c.connector.active
        ? t('Runs revision {0}; saved revision {1}', c.connector.appliedRevision ?? '?', c.revision) +
          (c.pendingRestart ? `\n${t('Restart it to distribute the changes (R17).')}` : '')
        : t('The Teams integration needs an active UCI connector (R18).'),
      icon: !c.connector.active ? FAIL.icon : c.pendingRestart ? 'sync' : PASS.icon,
      iconColor: !c.connector.active ? FAIL.color : c.pendingRestart ? WARN.color : PASS.color,
      contextValue: `configConnector.${c.connector.active ? 'on' : 'off'}${c.pendingRestart ? '.pendingRestart' : ''}`,
    }),
    {
      id: `${id}:log`,
      ref: cref,
      label: t('Module log'),
      description: String(log.length),
      icon: 'output',
      contextValue: 'configLog',
      collapsible: 'collapsed',
      children: [...log]
        .reverse()
        .slice(0, 100)
        .map((e, i) =>
          leaf(`${id}:log:${log.length - i}`, cref, e.message, {
            description: new Date(e.time).toLocaleString(ctx.language),
            icon: e.level === 'warn' ? 'warning' : 'info',
            iconColor: e.level === 'warn' ? WARN.color : undefined,
            contextValue: 'logEntry',
            value: `${e.time} ${e.level} ${e.message}`,
          }),
        ),
    },
  ];
  return {
    id,
    ref: cref,
    label: c.name,
    description: [c.active ? t('active') : t('inactive'), c.pendingRestart ? t('restart needed') : undefined]
      .filter(Boolean)
      .join(' · '),
    tooltip: [`${c.name} (${c.module})`, t('revision {0}', c.revision), ...warnings].join('\n'),
    icon: c.pendingRestart || c.warnings.length ? 'warning' : 'settings-gear',
    iconColor: c.pendingRestart || c.warnings.length ? WARN.color : undefined,
    contextValue: flags.join('.'),
    collapsible: 'expanded',
    children,
  };
}
