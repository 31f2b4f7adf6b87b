// The Teams app package API (no vscode import): scaffolding, placeholders, validation and packaging.
export { validateAppPath, validateManifestText, MAX_PACKAGE_BYTES } from './validate.js';
export { createAppFolder, type CreateAppOptions } from './scaffold.js';
export { packageApp, type PackageOptions, type PackageResult } from './package.js';
export {
  PBX_PLACEHOLDERS,
  TeamsInputError,
  envNames,
  readEnvFile,
  parseEnv,
  resolvePlaceholders,
  type Resolution,
  type Unresolved,
} from './placeholders.js';
export { findSchemaDir, newestVersion } from './schemas.js';
export type { TeamsFinding, TeamsValidationReport } from '../../../shared/schemas/teamsApp.js';
