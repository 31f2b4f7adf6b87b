// Rules on the files the manifest references: the two icons and the localization files.
import type { TeamsFinding } from '../../../../shared/schemas/teamsApp.js';
import { place, raw, type RawFinding } from '../findings.js';
import { joinPointer, type JsonLocator } from '../locate.js';
import { hasPlaceholder } from '../placeholders.js';
import { decodePng, outlineProblems, pngSize } from '../png.js';

/** Reads a file of the app by its path relative to the folder or zip root; undefined when it is not there. */
export type ReadFile = (rel: string) => Promise<Buffer | undefined>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** `./color.png` → `color.png`; backslashes as Teams would see them (a folder separator). */
export const normalizeRel = (p: string) => p.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '');
const atRoot = (rel: string) => !rel.includes('/');

const ICONS = [
  { key: 'color', width: 192, height: 192, outline: false },
  { key: 'outline', width: 32, height: 32, outline: true },
  { key: 'color32x32', width: 32, height: 32, outline: false },
] as const;

/** The files the manifest references (icons, localization), normalised, in package order. */
export function referencedFiles(m: Obj): Array<{ rel: string; pointer: string; kind: 'icon' | 'localization' }> {
  const out: Array<{ rel: string; pointer: string; kind: 'icon' | 'localization' }> = [];
  if (isObj(m.icons)) for (const i of ICONS) if (typeof m.icons[i.key] === 'string') out.push({ rel: normalizeRel(m.icons[i.key] as string), pointer: `/icons/${i.key}`, kind: 'icon' });
  const li = m.localizationInfo;
  if (isObj(li)) {
    if (typeof li.defaultLanguageFile === 'string') out.push({ rel: normalizeRel(li.defaultLanguageFile), pointer: '/localizationInfo/defaultLanguageFile', kind: 'localization' });
    if (Array.isArray(li.additionalLanguages))
      li.additionalLanguages.forEach((l, i) => {
        if (isObj(l) && typeof l.file === 'string') out.push({ rel: normalizeRel(l.file), pointer: joinPointer('/localizationInfo/additionalLanguages', i, 'file'), kind: 'localization' });
      });
  }
  return out;
}

export async function iconFindings(m: Obj, file: string, read: ReadFile): Promise<RawFinding[]> {
  const out: RawFinding[] = [];
  if (!isObj(m.icons)) return out;
  for (const spec of ICONS) {
    const value = m.icons[spec.key];
    if (typeof value !== 'string' || hasPlaceholder(value)) continue;
    const pointer = `/icons/${spec.key}`;
    const rel = normalizeRel(value);
    if (!rel) continue;
    if (!atRoot(rel)) out.push(raw('error', 'icon-not-at-root', file, pointer, `icons.${spec.key} "${value}" is in a folder; Teams needs the icons at the root of the package`));
    const buf = await read(rel);
    if (!buf) {
      out.push(raw('error', 'icon-missing', file, pointer, `icons.${spec.key}: the file "${rel}" does not exist`));
      continue;
    }
    const size = pngSize(buf);
    if (!size) {
      out.push(raw('error', 'icon-not-png', rel, '', `${rel} (icons.${spec.key}) is not a PNG file`));
      continue;
    }
    if (size.width !== spec.width || size.height !== spec.height) {
      out.push(raw('error', 'icon-size', rel, '', `${rel} (icons.${spec.key}) is ${size.width}×${size.height} pixels; it must be exactly ${spec.width}×${spec.height}`));
      continue;
    }
    let img;
    try {
      img = decodePng(buf);
    } catch (err) {
      out.push(raw('error', 'icon-not-png', rel, '', `${rel} (icons.${spec.key}) is not a readable PNG: ${(err as Error).message}`));
      continue;
    }
    if (spec.outline) {
      const p = outlineProblems(img);
      if (p.coloured || p.semiTransparent) {
        const parts = [p.coloured ? `${p.coloured} opaque pixels that are not white` : '', p.semiTransparent ? `${p.semiTransparent} pixels with alpha other than 0 or 255` : ''].filter(Boolean);
        const first = p.first ? `; first at (${p.first.x}, ${p.first.y}) rgba(${p.first.rgba.join(', ')})` : '';
        out.push(raw('error', 'outline-transparency', rel, '', `${rel} (icons.outline) must be white on transparent: it has ${parts.join(' and ')}${first}`));
      }
    }
  }
  return out;
}

/** Missing or foldered localization files; their content is checked by the caller with the localization schema. */
export function localizationPresence(refs: Array<{ rel: string; pointer: string }>, present: Set<string>, file: string): RawFinding[] {
  const out: RawFinding[] = [];
  for (const r of refs) {
    if (hasPlaceholder(r.rel)) continue;
    if (!atRoot(r.rel)) out.push(raw('error', 'localization-not-at-root', file, r.pointer, `the localization file "${r.rel}" is in a folder; Teams needs it at the root of the package`));
    if (!present.has(r.rel)) out.push(raw('error', 'localization-missing', file, r.pointer, `the localization file "${r.rel}" does not exist`));
  }
  return out;
}

export function placeAll(list: RawFinding[], locators: Map<string, JsonLocator>): TeamsFinding[] {
  return list.map((f) => place(f, locators.get(f.file)));
}
