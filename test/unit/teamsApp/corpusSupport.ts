// The Teams fixture corpus (test/fixtures/teams/<case>/): copies a case to a temp folder and draws its icons.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { colorIcon, encodePng, outlineIcon } from '../../../extension/src/teamsApp/png.js';
import { tempDir } from '../../support/cli.js';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'teams');

export interface CaseSpec {
  expect: string[];
  /** Whether @microsoft/app-manifest's validateAgainstSchema can judge it offline (a bundled $schema, valid JSON). */
  microsoft: boolean;
  icons?: { color?: string; outline?: string };
  /** The rules that stand for Microsoft's schema verdict (default: schema), e.g. when one of ours replaces a schema error. */
  schemaRules?: string[];
  note?: string;
}

export const caseNames = (): string[] =>
  readdirSync(FIXTURES)
    .filter((n) => !n.startsWith('.'))
    .sort();
export const caseSpec = (name: string): CaseSpec =>
  JSON.parse(readFileSync(join(FIXTURES, name, 'case.json'), 'utf8')) as CaseSpec;

/** An icon of a kind named in case.json. */
export function icon(which: 'color' | 'outline', kind = 'good'): Buffer | undefined {
  if (kind === 'missing') return undefined;
  if (kind === 'good' || kind === 'in-folder') return which === 'color' ? colorIcon() : outlineIcon();
  if (kind === 'not-png') return Buffer.from('GIF89a this is not a PNG at all');
  const size = /^size-(\d+)$/.exec(kind);
  if (size) return encodePng(Number(size[1]), Number(size[1]), () => [255, 255, 255, which === 'outline' ? 255 : 255]);
  // Outline variants: one grey opaque pixel, or a soft (anti-aliased) edge.
  if (kind === 'grey')
    return encodePng(32, 32, (x, y) =>
      x === 10 && y === 12 ? [128, 128, 128, 255] : x > 8 && x < 24 ? [255, 255, 255, 255] : [0, 0, 0, 0],
    );
  if (kind === 'semi')
    return encodePng(32, 32, (x) =>
      x === 8 ? [255, 255, 255, 128] : x > 8 && x < 24 ? [255, 255, 255, 255] : [0, 0, 0, 0],
    );
  throw new Error(`unknown icon kind ${kind}`);
}

/** A ready app folder for the case: its files plus the icons case.json asks for (good ones by default). */
export function materialize(name: string): string {
  const dir = tempDir(`teams-${name}-`);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  rmSync(join(dir, 'case.json'));
  const spec = caseSpec(name);
  for (const which of ['color', 'outline'] as const) {
    const kind = spec.icons?.[which] ?? 'good';
    const data = icon(which, kind);
    if (!data) continue;
    if (kind === 'in-folder') {
      mkdirSync(join(dir, 'img'), { recursive: true });
      writeFileSync(join(dir, 'img', `${which}.png`), data);
    } else writeFileSync(join(dir, `${which}.png`), data);
  }
  return dir;
}
