// Rules on the files the manifest references: the two icons and the localization files.
import type { Translate } from '../../text/i18n.js';
import { raw, type RawFinding } from '../findings.js';
import { joinPointer } from '../locate.js';
import { isObj, type Obj } from '../obj.js';
import { atRoot, normalizeRel } from '../paths.js';
import { hasPlaceholder } from '../placeholders.js';
import { decodePng, outlineProblems, pngSize } from '../png.js';

/** Reads a file of the app by its path relative to the folder or zip root; undefined when it is not there. */
export type ReadFile = (rel: string) => Promise<Buffer | undefined>;

/** Thrown by a ReadFile for a file that is there but cannot be read (it was reported already): not "missing". */
export class UnreadableFile extends Error {}

/** A file's bytes, undefined when it is missing, null when it is unreadable (already reported). */
export async function readOrNull(read: ReadFile, rel: string): Promise<Buffer | undefined | null> {
  try {
    return await read(rel);
  } catch (err) {
    if (err instanceof UnreadableFile) return null;
    throw err;
  }
}

const ICONS = [
  { key: 'color', width: 192, height: 192, outline: false },
  { key: 'outline', width: 32, height: 32, outline: true },
  { key: 'color32x32', width: 32, height: 32, outline: false },
] as const;

/** The files the manifest references (icons, localization), normalised, in package order. */
export interface FileRef {
  /** The path as Teams resolves it (`./color.png` → `color.png`). */
  rel: string;
  /** The manifest value as written. */
  value: string;
  pointer: string;
  kind: 'icon' | 'localization';
}

export function referencedFiles(m: Obj): FileRef[] {
  const out: FileRef[] = [];
  const add = (value: unknown, pointer: string, kind: FileRef['kind']) => {
    if (typeof value === 'string') out.push({ rel: normalizeRel(value), value, pointer, kind });
  };
  if (isObj(m.icons)) for (const i of ICONS) add(m.icons[i.key], `/icons/${i.key}`, 'icon');
  const li = m.localizationInfo;
  if (isObj(li)) {
    add(li.defaultLanguageFile, '/localizationInfo/defaultLanguageFile', 'localization');
    if (Array.isArray(li.additionalLanguages))
      li.additionalLanguages.forEach(
        (l, i) =>
          isObj(l) && add(l.file, joinPointer('/localizationInfo/additionalLanguages', i, 'file'), 'localization'),
      );
  }
  return out;
}

export async function iconFindings(m: Obj, file: string, read: ReadFile, t: Translate): Promise<RawFinding[]> {
  const out: RawFinding[] = [];
  if (!isObj(m.icons)) return out;
  for (const spec of ICONS) {
    const value = m.icons[spec.key];
    if (typeof value !== 'string' || hasPlaceholder(value)) continue;
    const pointer = `/icons/${spec.key}`;
    const rel = normalizeRel(value);
    if (!rel) continue;
    if (!atRoot(rel))
      out.push(
        raw(
          'error',
          'icon-not-at-root',
          file,
          pointer,
          t('icons.{0} "{1}" is in a folder; Teams needs the icons at the root of the package', spec.key, value),
        ),
      );
    const buf = await readOrNull(read, rel);
    if (buf === null) continue;
    if (!buf) {
      out.push(
        raw('error', 'icon-missing', file, pointer, t('icons.{0}: the file "{1}" does not exist', spec.key, rel)),
      );
      continue;
    }
    const size = pngSize(buf);
    if (!size) {
      out.push(raw('error', 'icon-not-png', rel, '', t('{0} (icons.{1}) is not a PNG file', rel, spec.key)));
      continue;
    }
    if (size.width !== spec.width || size.height !== spec.height) {
      out.push(
        raw(
          'error',
          'icon-size',
          rel,
          '',
          t(
            '{0} (icons.{1}) is {2}×{3} pixels; it must be exactly {4}×{5}',
            rel,
            spec.key,
            size.width,
            size.height,
            spec.width,
            spec.height,
          ),
        ),
      );
      continue;
    }
    let img;
    try {
      img = decodePng(buf);
    } catch (err) {
      out.push(
        raw(
          'error',
          'icon-not-png',
          rel,
          '',
          t('{0} (icons.{1}) is not a readable PNG: {2}', rel, spec.key, (err as Error).message),
        ),
      );
      continue;
    }
    if (spec.outline) {
      const p = outlineProblems(img);
      if (p.coloured || p.semiTransparent) {
        const coloured = t('{0} opaque pixels that are not white', p.coloured);
        const semi = t('{0} pixels with alpha other than 0 or 255', p.semiTransparent);
        const has = p.coloured && p.semiTransparent ? t('{0} and {1}', coloured, semi) : p.coloured ? coloured : semi;
        const first = p.first
          ? t('{0}; first at ({1}, {2}) rgba({3})', has, p.first.x, p.first.y, p.first.rgba.join(', '))
          : has;
        out.push(
          raw(
            'error',
            'outline-transparency',
            rel,
            '',
            t('{0} (icons.outline) must be white on transparent: it has {1}', rel, first),
          ),
        );
      }
    }
  }
  return out;
}

/** Missing or foldered localization files; their content is checked by the caller with the localization schema. */
export function localizationPresence(
  refs: Array<{ rel: string; pointer: string }>,
  present: Set<string>,
  file: string,
  t: Translate,
): RawFinding[] {
  const out: RawFinding[] = [];
  for (const r of refs) {
    if (hasPlaceholder(r.rel)) continue;
    if (!atRoot(r.rel))
      out.push(
        raw(
          'error',
          'localization-not-at-root',
          file,
          r.pointer,
          t('the localization file "{0}" is in a folder; Teams needs it at the root of the package', r.rel),
        ),
      );
    if (!present.has(r.rel))
      out.push(
        raw('error', 'localization-missing', file, r.pointer, t('the localization file "{0}" does not exist', r.rel)),
      );
  }
  return out;
}
