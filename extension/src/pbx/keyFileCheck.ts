import { keyFingerprint } from '../../../shared/hashes.js';
import { KeyFileSchema } from '../../../shared/schemas/keyfile.js';
import type { Configuration } from '../../../shared/schemas/modules.js';
import type { Translate } from '../text/i18n.js';

export interface KeyFileFinding {
  ok: boolean;
  message: string;
}

/**
 * Checks a key file the way the Teams app will meet it: is it a key file, does its fingerprint match its key,
 * does a configuration of this PBX carry that name and that key — and is that the key the connector runs with?
 */
export function checkKeyFile(text: string, configurations: Configuration[] | null, t: Translate): KeyFileFinding[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return [{ ok: false, message: t('Not JSON: {0}', (err as Error).message) }];
  }
  const parsed = KeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return [
      {
        ok: false,
        message: t('Not a STARFACE key file: {0}: {1}', issue.path.join('.') || t('(root)'), issue.message),
      },
    ];
  }
  const file = parsed.data;
  const out: KeyFileFinding[] = [
    {
      ok: true,
      message: t(
        'Format {0} key file for "{1}", created {2}',
        file.format,
        file.pbxName || t('(no PBX name)'),
        file.createdAt,
      ),
    },
  ];
  const actual = keyFingerprint(file.key);
  out.push(
    actual === file.fingerprint
      ? { ok: true, message: t('The fingerprint matches the key ({0})', actual) }
      : {
          ok: false,
          message: t('The fingerprint {0} does not match the key ({1}): the file was edited', file.fingerprint, actual),
        },
  );
  if (configurations === null) {
    out.push({
      ok: false,
      message: t(
        'This PBX does not expose its module configurations over REST; compare the fingerprint in the admin UI',
      ),
    });
    return out;
  }
  const byKey = configurations.find((c) => c.keyFingerprint === actual);
  if (!byKey) {
    out.push({ ok: false, message: t('No configuration of this PBX has this key: it was replaced by a newer one') });
    return out;
  }
  out.push({ ok: true, message: t('The key belongs to configuration "{0}"', byKey.name) });
  if (!byKey.pbxName) out.push({ ok: false, message: t('The configuration has no PBX name (R14)') });
  else if (byKey.pbxName.toLowerCase() !== file.pbxName.toLowerCase())
    out.push({
      ok: false,
      message: t(
        'The PBX name in the file ("{0}") differs from the configuration ("{1}")',
        file.pbxName,
        byKey.pbxName,
      ),
    });
  else out.push({ ok: true, message: t('The PBX name matches ({0})', byKey.pbxName) });
  if (!byKey.active) out.push({ ok: false, message: t('The configuration is not active') });
  if (!byKey.connector.active) out.push({ ok: false, message: t('The UCI connector is inactive (R18)') });
  else if (byKey.pendingRestart)
    out.push({
      ok: false,
      message: t('The connector has not been restarted since the change: it may still use the previous key (R17)'),
    });
  return out;
}
