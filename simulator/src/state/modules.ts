import { randomBytes, timingSafeEqual } from 'node:crypto';
import { TEAMS_MODULE_NAME, TEAMS_MODULE_VERSION } from '../../../shared/catalogue.js';
import { keyFingerprint } from '../../../shared/hashes.js';
import { text } from '../../../shared/i18n.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import { KEY_BYTES, type KeyFile } from '../../../shared/schemas/keyfile.js';
import {
  MODULE_LOG_LIMIT,
  type Configuration,
  type ConfigurationCreate,
  type ConfigurationUpdate,
  type Module,
  type ModuleLogEntry,
} from '../../../shared/schemas/modules.js';
import { conflict, notFound } from './errors.js';
import type { PbxState, StoredConfiguration } from './model.js';
import type { Emit } from './pbx.js';

export function findConfiguration(state: PbxState, id: number): StoredConfiguration {
  const config = state.configurations.find((c) => c.id === id);
  if (!config) throw notFound('Module configuration', id);
  return config;
}

export function teamsModuleImported(state: PbxState): boolean {
  return state.modules.some((m) => m.name === TEAMS_MODULE_NAME);
}

function log(
  config: StoredConfiguration,
  emit: Emit,
  level: ModuleLogEntry['level'],
  event: ModuleLogEntry['event'],
  message: string,
): void {
  const entry: ModuleLogEntry = { time: new Date().toISOString(), level, event, message };
  config.log.push(entry);
  if (config.log.length > MODULE_LOG_LIMIT) config.log.splice(0, config.log.length - MODULE_LOG_LIMIT);
  emit({ service: SIM_SERVICES.log, event, data: { configurationId: config.id, level, message } });
}

function activeTeamsConfigs(state: PbxState): StoredConfiguration[] {
  return state.configurations.filter((c) => c.module === TEAMS_MODULE_NAME && c.active);
}

export function pendingRestart(config: StoredConfiguration): boolean {
  return config.connector.active && config.connector.appliedRevision !== config.revision;
}

export function configurationWarnings(state: PbxState, config: StoredConfiguration): Configuration['warnings'] {
  const warnings: Configuration['warnings'] = [];
  const active = activeTeamsConfigs(state);
  if (active.length > 1) {
    warnings.push({
      id: 'R12',
      message: text(
        `${active.length} "Teams Integration" configurations are active; there may only ever be one.`,
        `${active.length} Modulkonfigurationen vom Typ "Teams Integration" sind aktiv; es darf immer nur eine geben.`,
      ),
    });
  }
  if (config.mode === 'PRESENCE_SYNC') {
    warnings.push({
      id: 'R13',
      message: text(
        '"Abgleich Präsenzstatus" is not supported; choose "Vollständige Integration".',
        'Die Option "Abgleich Präsenzstatus" wird nicht unterstützt.',
      ),
    });
  }
  if (pendingRestart(config)) {
    warnings.push({
      id: 'R17',
      message: text(
        'Changes are saved but not distributed: deactivate and activate the UCI connector.',
        'Änderungen sind gespeichert, aber nicht verteilt: UCI-Connector deaktivieren und wieder aktivieren.',
      ),
    });
  }
  return warnings;
}

export function toConfigurationDto(state: PbxState, c: StoredConfiguration): Configuration {
  return {
    id: c.id,
    name: c.name,
    module: TEAMS_MODULE_NAME,
    active: c.active,
    mode: c.mode,
    pbxName: c.pbxName,
    autoprovisioning: c.autoprovisioning,
    keyFingerprint: c.key === null ? null : keyFingerprint(c.key),
    keyCreatedAt: c.keyCreatedAt,
    revision: c.revision,
    connector: {
      active: c.connector.active,
      appliedRevision: c.connector.appliedRevision,
      startedAt: c.connector.startedAt,
    },
    pendingRestart: pendingRestart(c),
    warnings: configurationWarnings(state, c),
  };
}

export function toModuleDto(m: PbxState['modules'][number]): Module {
  return { ...m };
}

/** "Modul importieren": a re-import replaces the module whatever the version and keeps its configurations. */
export function importModule(state: PbxState, emit: Emit, name: string, version = TEAMS_MODULE_VERSION): Module {
  const now = new Date().toISOString();
  const existing = state.modules.find((m) => m.name === name);
  if (existing) Object.assign(existing, { version, importedAt: now });
  else state.modules.push({ id: state.nextId.module++, name, version, importedAt: now });
  const module = state.modules.find((m) => m.name === name)!;
  emit({
    service: SIM_SERVICES.config,
    event: existing ? 'module-reimported' : 'module-imported',
    data: { moduleId: module.id, name, version },
  });
  for (const config of state.configurations.filter((c) => c.module === name && c.active)) {
    log(config, emit, 'info', 'interface-loaded', `Module interface loaded (${name} ${version})`);
  }
  return toModuleDto(module);
}

/**
 * Removing a module from the library keeps its configurations, as a re-import does; they lie dormant
 * (R11 fails) until the module is imported again.
 */
export function removeModule(state: PbxState, emit: Emit, id: number): void {
  const module = state.modules.find((m) => m.id === id);
  if (!module) throw notFound('Module', id);
  state.modules = state.modules.filter((m) => m.id !== id);
  emit({ service: SIM_SERVICES.config, event: 'module-removed', data: { moduleId: id, name: module.name } });
}

function requireModule(state: PbxState): void {
  if (!teamsModuleImported(state)) {
    throw conflict('MODULE_NOT_IMPORTED', `The module "${TEAMS_MODULE_NAME}" is not imported; import it first (R11)`, {
      requirement: 'R11',
    });
  }
}

function warnIfSeveralActive(state: PbxState, emit: Emit): void {
  const active = activeTeamsConfigs(state);
  if (active.length > 1) {
    for (const c of active) {
      log(
        c,
        emit,
        'warn',
        'warning',
        `${active.length} active "Teams Integration" configurations; there may only ever be one (R12)`,
      );
    }
  }
}

export function createConfiguration(state: PbxState, emit: Emit, input: ConfigurationCreate): StoredConfiguration {
  requireModule(state);
  const config: StoredConfiguration = {
    id: state.nextId.configuration++,
    name: input.name,
    module: TEAMS_MODULE_NAME,
    active: input.active,
    mode: input.mode,
    pbxName: input.pbxName ?? '',
    autoprovisioning: input.autoprovisioning,
    key: null,
    keyCreatedAt: null,
    revision: 1,
    connector: { active: false, appliedRevision: null, startedAt: null, applied: null },
    log: [],
  };
  state.configurations.push(config);
  emit({
    service: SIM_SERVICES.config,
    event: 'configuration-created',
    data: { configurationId: config.id, name: config.name, active: config.active },
  });
  if (config.active) {
    log(config, emit, 'info', 'interface-loaded', `Module interface loaded (${TEAMS_MODULE_NAME})`);
    warnIfSeveralActive(state, emit);
  }
  return config;
}

/** Marks a saved change: the revision moves on, and a running connector keeps the old one (R17). */
function changed(config: StoredConfiguration, emit: Emit, what: string[]): void {
  config.revision++;
  emit({
    service: SIM_SERVICES.config,
    event: 'configuration-changed',
    data: { configurationId: config.id, changed: what, revision: config.revision },
  });
  if (config.connector.active) {
    log(
      config,
      emit,
      'warn',
      'config-changed',
      `Configuration changed (${what.join(', ')}); restart the UCI connector to distribute it`,
    );
  } else {
    log(config, emit, 'info', 'config-changed', `Configuration changed (${what.join(', ')})`);
  }
}

export function updateConfiguration(
  state: PbxState,
  emit: Emit,
  id: number,
  input: ConfigurationUpdate,
): StoredConfiguration {
  const config = findConfiguration(state, id);
  const settings = ['name', 'mode', 'pbxName', 'autoprovisioning'] as const;
  const what = settings.filter((k) => input[k] !== undefined && input[k] !== config[k]);
  for (const k of what) (config as Record<string, unknown>)[k] = input[k];
  if (what.length) changed(config, emit, [...what]);
  if (input.active !== undefined && input.active !== config.active) {
    if (input.active) {
      requireModule(state);
      config.active = true;
      emit({ service: SIM_SERVICES.config, event: 'configuration-activated', data: { configurationId: id } });
      log(config, emit, 'info', 'interface-loaded', `Module interface loaded (${TEAMS_MODULE_NAME})`);
      warnIfSeveralActive(state, emit);
    } else {
      if (config.connector.active) stopConnector(config, emit, 'configuration deactivated');
      config.active = false;
      emit({ service: SIM_SERVICES.config, event: 'configuration-deactivated', data: { configurationId: id } });
    }
  }
  return config;
}

/** A save that the running connector has not picked up (scenarios use it for R17); REST PUTs bump the revision only on a real change. */
export function saveConfiguration(state: PbxState, emit: Emit, id: number): StoredConfiguration {
  const config = findConfiguration(state, id);
  changed(config, emit, ['saved']);
  return config;
}

export function deleteConfiguration(state: PbxState, emit: Emit, id: number): void {
  const config = findConfiguration(state, id);
  if (config.connector.active) stopConnector(config, emit, 'configuration deleted');
  state.configurations = state.configurations.filter((c) => c.id !== id);
  emit({ service: SIM_SERVICES.config, event: 'configuration-deleted', data: { configurationId: id } });
}

/** "Neuen Schlüssel eintragen": a CSPRNG key of 256 bits; only its fingerprint is ever answered or logged. */
export function generateKey(
  state: PbxState,
  emit: Emit,
  id: number,
): { fingerprint: string; createdAt: string; revision: number } {
  const config = findConfiguration(state, id);
  config.key = randomBytes(KEY_BYTES).toString('base64url');
  config.keyCreatedAt = new Date().toISOString();
  const fingerprint = keyFingerprint(config.key);
  emit({ service: SIM_SERVICES.config, event: 'key-generated', data: { configurationId: id, fingerprint } });
  log(config, emit, 'info', 'key-generated', `New key generated (${fingerprint})`);
  changed(config, emit, ['key']);
  return { fingerprint, createdAt: config.keyCreatedAt, revision: config.revision };
}

export function keyFile(state: PbxState, id: number): KeyFile {
  const config = findConfiguration(state, id);
  if (config.key === null || config.keyCreatedAt === null) {
    throw conflict(
      'NO_KEY',
      'This configuration has no key yet: press "Neuen Schlüssel eintragen" (POST …/key) and save first (R15)',
      { requirement: 'R15' },
    );
  }
  return {
    format: 1,
    pbxName: config.pbxName,
    key: config.key,
    createdAt: config.keyCreatedAt,
    fingerprint: keyFingerprint(config.key),
  };
}

function startConnector(config: StoredConfiguration, emit: Emit): void {
  config.connector = {
    active: true,
    appliedRevision: config.revision,
    startedAt: new Date().toISOString(),
    applied: { mode: config.mode, pbxName: config.pbxName, autoprovisioning: config.autoprovisioning, key: config.key },
  };
  log(config, emit, 'info', 'connector-started', `UCI connector started (revision ${config.revision})`);
  emit({
    service: SIM_SERVICES.connector,
    event: 'started',
    data: { configurationId: config.id, revision: config.revision },
  });
}

function stopConnector(config: StoredConfiguration, emit: Emit, reason: string): void {
  config.connector = { active: false, appliedRevision: null, startedAt: null, applied: null };
  log(config, emit, 'info', 'connector-stopped', `UCI connector stopped (${reason})`);
  emit({ service: SIM_SERVICES.connector, event: 'stopped', data: { configurationId: config.id, reason } });
}

/** PUT …/connector. Setting the state it already has changes nothing: a restart is off, then on. */
export function setConnector(state: PbxState, emit: Emit, id: number, active: boolean): StoredConfiguration {
  const config = findConfiguration(state, id);
  if (active === config.connector.active) return config;
  if (active) {
    requireModule(state);
    if (!config.active)
      throw conflict('CONFIGURATION_INACTIVE', 'Activate the configuration before starting its UCI connector');
    startConnector(config, emit);
  } else {
    stopConnector(config, emit, 'deactivated');
  }
  return config;
}

export function keysEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** Loading the module interface on start, as the PBX does when it boots. */
export function logStartup(state: PbxState, emit: Emit): void {
  if (!teamsModuleImported(state)) return;
  for (const c of activeTeamsConfigs(state)) {
    log(c, emit, 'info', 'interface-loaded', `Module interface loaded (${TEAMS_MODULE_NAME}) at simulator start`);
    if (c.connector.active)
      log(
        c,
        emit,
        'info',
        'connector-started',
        `UCI connector started (revision ${c.connector.appliedRevision}) at simulator start`,
      );
  }
}
