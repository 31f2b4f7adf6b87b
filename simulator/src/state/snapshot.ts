import type { PbxSnapshot, SignInFacts } from '../../../shared/requirements/snapshot.js';
import { toLicenceDtos } from './licences.js';
import type { PbxState } from './model.js';

/** The simulator knows everything the rules ask about, so no part of its snapshot is `null`. */
export function toSnapshot(state: PbxState, signIn?: SignInFacts): PbxSnapshot {
  return {
    source: 'simulator',
    version: state.server.version,
    minVersion: state.server.minVersion,
    licences: toLicenceDtos(state),
    users: state.users.map((u) => ({
      id: u.id,
      login: u.login,
      name: `${u.firstName} ${u.familyName}`.trim(),
      licences: [...u.licences],
      rights: [...u.rights],
      app: { active: u.app.active, platform: u.app.platform },
    })),
    modules: state.modules.map((m) => ({ name: m.name, version: m.version })),
    configurations: state.configurations.map((c) => ({
      id: c.id,
      name: c.name,
      module: c.module,
      active: c.active,
      mode: c.mode,
      pbxName: c.pbxName,
      autoprovisioning: c.autoprovisioning,
      hasKey: c.key !== null,
      revision: c.revision,
      connector: { active: c.connector.active, appliedRevision: c.connector.appliedRevision },
      applied: c.connector.applied && {
        mode: c.connector.applied.mode,
        pbxName: c.connector.applied.pbxName,
        autoprovisioning: c.connector.applied.autoprovisioning,
        hasKey: c.connector.applied.key !== null,
      },
      log: c.log.map((e) => ({ event: e.event })),
    })),
    ...(signIn ? { signIn } : {}),
  };
}
