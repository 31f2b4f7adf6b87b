// Rules Teams enforces (store validation, Developer Portal, upload) that the JSON schema does not express.
import type { Translate } from '../../text/i18n.js';
import { raw, type RawFinding } from '../findings.js';
import { joinPointer } from '../locate.js';
import { isObj, type Obj } from '../obj.js';
import { hasPlaceholder } from '../placeholders.js';
import { validDomainFindings } from './validDomains.js';

/** A string the rules can judge: present and free of `${{NAME}}` (that is judged after packaging fills it). */
const concrete = (v: unknown): v is string => typeof v === 'string' && !hasPlaceholder(v);

export const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
// semver.org 2.0.0, the official regular expression.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export function manifestRules(m: Obj, file: string, t: Translate): RawFinding[] {
  const out: RawFinding[] = [];

  if (concrete(m.version) && !SEMVER.test(m.version))
    out.push(
      raw(
        'error',
        'version-semver',
        file,
        '/version',
        t(
          'version "{0}" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0); the Teams store rejects it',
          m.version,
        ),
      ),
    );

  if (isObj(m.developer))
    for (const key of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl'] as const) {
      const url = m.developer[key];
      if (concrete(url) && !/^https:\/\//i.test(url.trim()))
        out.push(
          raw(
            'error',
            'developer-https',
            file,
            `/developer/${key}`,
            t('developer.{0} must be an https:// URL, not "{1}"', key, url),
          ),
        );
    }

  if (
    isObj(m.name) &&
    concrete(m.name.short) &&
    concrete(m.name.full) &&
    m.name.short.trim().toLowerCase() === m.name.full.trim().toLowerCase()
  )
    out.push(
      raw(
        'warning',
        'names-differ',
        file,
        '/name/full',
        t('name.full repeats name.short ("{0}"); give the full name more detail or leave it out', m.name.short),
      ),
    );

  if (isObj(m.description) && concrete(m.description.short) && concrete(m.description.full)) {
    const s = m.description.short.trim().toLowerCase();
    const f = m.description.full.trim().toLowerCase();
    if (s && f.includes(s))
      out.push(
        raw(
          'error',
          'description-contains-short',
          file,
          '/description/full',
          t(
            'description.full contains description.short; Teams rejects this (FullDescriptionContainsShortDescription) — write a full description that does not repeat the short one',
          ),
        ),
      );
  }

  const guids: Array<[string, unknown]> = [['/id', m.id]];
  if (isObj(m.webApplicationInfo)) guids.push(['/webApplicationInfo/id', m.webApplicationInfo.id]);
  for (const list of ['bots', 'composeExtensions'] as const) {
    const arr = m[list];
    if (Array.isArray(arr))
      arr.forEach(
        (b, i) => isObj(b) && b.botId !== undefined && guids.push([joinPointer(`/${list}`, i, 'botId'), b.botId]),
      );
  }
  for (const [pointer, v] of guids)
    if (concrete(v) && !GUID.test(v))
      out.push(
        raw(
          'error',
          'guid',
          file,
          pointer,
          t(
            '{0} "{1}" is not a GUID (e.g. 3f2504e0-4f89-41d3-9a0c-0305e82c3301); Microsoft\'s packager would silently replace it',
            pointer.slice(1).replace(/\//g, '.'),
            v,
          ),
        ),
      );

  if (Array.isArray(m.validDomains)) out.push(...validDomainFindings(m.validDomains, file, t));
  return out;
}
