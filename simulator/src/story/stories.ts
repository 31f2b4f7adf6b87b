import { readFileSync } from 'node:fs';
import { StorySchema, type Story } from '../../../shared/schemas/story.js';
import demo from '../../stories/demo.json';

/** The stories shipped with the simulator (simulator/stories/*.json, bundled into the CLI by esbuild). */
const BUILTIN: Record<string, unknown> = { demo };

export const BUILTIN_STORIES = Object.keys(BUILTIN);

export class StoryError extends Error {}

/** A story's content checked against the schema; `where` names it in the message. */
export function parseStory(input: unknown, where: string): Story {
  const parsed = StorySchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new StoryError(`The story ${where} is not valid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function builtinStory(name: string): Story | undefined {
  const content = BUILTIN[name];
  return content === undefined ? undefined : parseStory(content, `"${name}"`);
}

/** A built-in name, else a JSON file's path (the CLI only: over REST a path would read the machine's files). */
export function loadStory(nameOrFile: string): Story {
  const builtin = builtinStory(nameOrFile);
  if (builtin) return builtin;
  if (!/[/\\]|\.json$/.test(nameOrFile))
    throw new StoryError(
      `No built-in story "${nameOrFile}" (built in: ${BUILTIN_STORIES.join(', ')}); or give a .json file`,
    );
  let text: string;
  try {
    text = readFileSync(nameOrFile, 'utf8');
  } catch (err) {
    throw new StoryError(`The story file ${nameOrFile} cannot be read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StoryError(`The story file ${nameOrFile} is not JSON: ${(err as Error).message}`);
  }
  return parseStory(json, `in ${nameOrFile}`);
}
