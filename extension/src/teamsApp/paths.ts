// How Teams reads the file names a manifest references (kept apart from rules/files.ts so the editor side can
// match them without loading the PNG decoder).

/** `./color.png` → `color.png`; backslashes as Teams would see them (a folder separator). */
export const normalizeRel = (p: string) =>
  p
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '');
export const atRoot = (rel: string) => !rel.includes('/');
