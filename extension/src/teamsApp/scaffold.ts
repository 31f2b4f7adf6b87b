// "New Teams App Package": an app folder with a manifest on the newest bundled schema, icons and an env file.
import { randomUUID } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST, SHORT_NAME_MAX } from '../../../shared/schemas/teamsApp.js';
import { englishOnly, type Translate } from '../text/i18n.js';
import { assertEnvName, TeamsInputError } from './placeholders.js';
import { colorIcon, outlineIcon } from './png.js';
import { findSchemaDir, newestVersion, schemaUrlOf } from './schemas.js';

export interface CreateAppOptions {
  appName: string;
  /** Default 'dev'. */
  envName?: string;
  /** Initial values for the env file (e.g. the PBX values of the selected connection). */
  values?: Record<string, string>;
  overwrite?: boolean;
  schemaDir?: string;
  /** Translates the error messages; English by default. */
  t?: Translate;
}

function envLine(key: string, value: string): string {
  return /^[\w.:/@+-]*$/.test(value) ? `${key}=${value}` : `${key}=${JSON.stringify(value)}`;
}

export function manifestFor(appName: string, version: string): object {
  const short = appName.trim();
  return {
    $schema: schemaUrlOf(`v${version}`),
    manifestVersion: version,
    version: '${{APP_VERSION}}',
    id: '${{TEAMS_APP_ID}}',
    developer: {
      name: '${{DEVELOPER_NAME}}',
      websiteUrl: '${{DEVELOPER_WEBSITE_URL}}',
      privacyUrl: '${{DEVELOPER_PRIVACY_URL}}',
      termsOfUseUrl: '${{DEVELOPER_TERMS_URL}}',
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    name: { short, full: `${short} – STARFACE telephony in Microsoft Teams`.slice(0, 100) },
    description: {
      short: 'Call, see presence and sign in to your STARFACE PBX from Teams.',
      full: 'Connects Microsoft Teams with the STARFACE PBX ${{STARFACE_PBX_NAME}}: place and take calls with your STARFACE extension, see the presence of colleagues and keep your Teams status in step with the PBX. Your administrator provides the key file of the "Teams Integration" module.',
    },
    accentColor: '#005A9C',
    staticTabs: [
      {
        entityId: 'starface',
        name: 'STARFACE',
        contentUrl: '${{STARFACE_PBX_URL}}/teams/tab',
        websiteUrl: '${{STARFACE_PBX_URL}}',
        scopes: ['personal'],
      },
    ],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: ['${{STARFACE_PBX_NAME}}'],
  };
}

/** Creates the app folder; refuses to replace an existing manifest.json unless `overwrite`. */
export async function createAppFolder(
  dir: string,
  opts: CreateAppOptions,
): Promise<{ manifestPath: string; envPath: string; files: string[] }> {
  const envName = opts.envName ?? 'dev';
  const t = opts.t ?? englishOnly;
  assertEnvName(envName, t);
  if (!opts.appName || !opts.appName.trim()) throw new TeamsInputError(t('the app needs a name'));
  // Never cut silently: the name is what users see in Teams.
  const length = [...opts.appName.trim()].length;
  if (length > SHORT_NAME_MAX)
    throw new TeamsInputError(
      t('the app name is {0} characters long; Teams allows at most {1} (name.short)', length, SHORT_NAME_MAX),
    );
  const manifestPath = join(dir, MANIFEST);
  const envPath = join(dir, `.env.${envName}`);
  if (!opts.overwrite) {
    for (const p of [manifestPath, envPath]) {
      const exists = await access(p).then(
        () => true,
        () => false,
      );
      if (exists) throw new TeamsInputError(t('{0} already exists; choose another folder or overwrite it', p));
    }
  }
  await mkdir(dir, { recursive: true });
  const version = newestVersion(findSchemaDir(opts.schemaDir));
  const defaults: Record<string, string> = {
    TEAMS_APP_ID: randomUUID(),
    APP_VERSION: '1.0.0',
    DEVELOPER_NAME: 'STARFACE',
    DEVELOPER_WEBSITE_URL: 'https://www.starface.com/',
    DEVELOPER_PRIVACY_URL: 'https://www.starface.com/',
    DEVELOPER_TERMS_URL: 'https://www.starface.com/',
    STARFACE_PBX_NAME: '',
    STARFACE_PBX_URL: '',
  };
  const values: Record<string, string> = { ...defaults, ...(opts.values ?? {}) };
  const env = [
    `# Values for the "${envName}" environment of ${opts.appName.replace(/[\r\n]/g, ' ')}.`,
    `# \`starface-teams package . --env ${envName}\` fills each \${{NAME}} in manifest.json with them.`,
    '# STARFACE_PBX_NAME / STARFACE_PBX_URL: taken from the selected connection in VS Code; set them here for the CLI.',
    '# Replace the DEVELOPER_* values with your own https pages before you publish.',
    ...Object.keys(values).map((k) => envLine(k, values[k]!)),
    '',
  ].join('\n');
  const manifest = JSON.stringify(manifestFor(opts.appName, version), null, 2) + '\n';
  await writeFile(manifestPath, manifest);
  await writeFile(envPath, env, { mode: 0o600 });
  await writeFile(join(dir, 'color.png'), colorIcon());
  await writeFile(join(dir, 'outline.png'), outlineIcon());
  return { manifestPath, envPath, files: [manifestPath, envPath, join(dir, 'color.png'), join(dir, 'outline.png')] };
}
