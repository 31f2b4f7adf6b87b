/** The story format (shared/schemas/story.ts) and the loading of stories (built-in names, files). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorySchema } from '../../shared/schemas/story.js';
import { BUILTIN_STORIES, builtinStory, loadStory, StoryError } from '../../simulator/src/story/stories.js';

const step = (action: unknown, extra: Record<string, unknown> = {}) => ({
  say: { en: 'Now.', de: 'Jetzt.' },
  action,
  ...extra,
});
const story = (steps: unknown[]) => ({ name: 'mine', description: { en: 'Mine.', de: 'Meine.' }, steps });

describe('story schema', () => {
  it('the built-in demo story is valid and covers every kind of step', () => {
    assert.deepEqual(BUILTIN_STORIES, ['demo']);
    const demo = builtinStory('demo')!;
    assert.equal(demo.scenario, 'demo');
    const kinds = new Set(demo.steps.map((s) => s.action.do));
    for (const k of ['register', 'call', 'presence', 'configure', 'restart-connector'])
      assert.ok(kinds.has(k as never), k);
    assert.ok(
      demo.steps.some((s) => s.action.do === 'call' && s.action.to === '1099'),
      'a call to the hotline',
    );
    assert.ok(
      demo.steps.some((s) => s.action.do === 'call' && !s.action.answer),
      'a missed call',
    );
  });

  it('fills the defaults: a call is answered, pauses and calls last a moment', () => {
    const parsed = StorySchema.parse(story([step({ do: 'call', from: '1001', to: '1002' })]));
    assert.equal(parsed.steps[0]!.pauseMs, 2000);
    assert.deepEqual(parsed.steps[0]!.action, { do: 'call', from: '1001', to: '1002', answer: true, holdMs: 3000 });
  });

  it('refuses unknown actions, missing narration, extra fields, negative pauses, bad names and empty stories', () => {
    const bad: unknown[] = [
      story([step({ do: 'dance' })]),
      story([{ action: { do: 'register', user: '1001' } }]),
      story([{ say: { en: 'only English' }, action: { do: 'register', user: '1001' } }]),
      story([step({ do: 'register', user: '1001', extra: 1 })]),
      story([step({ do: 'register', user: '1001' }, { pauseMs: -1 })]),
      story([step({ do: 'configure', configuration: 'Teams', set: { mode: 'NOPE' } })]),
      { ...story([step({ do: 'register', user: '1001' })]), name: 'Has Spaces' },
      story([]),
    ];
    for (const input of bad) assert.equal(StorySchema.safeParse(input).success, false, JSON.stringify(input));
  });

  it('loads a file, and says clearly what is wrong with one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'story-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify(story([step({ do: 'register', user: '1001' })])));
      assert.equal(loadStory(good).name, 'mine');

      const notJson = join(dir, 'broken.json');
      writeFileSync(notJson, '{ not json');
      assert.throws(
        () => loadStory(notJson),
        (e: Error) => e instanceof StoryError && /is not JSON/.test(e.message),
      );

      const invalid = join(dir, 'invalid.json');
      writeFileSync(invalid, JSON.stringify(story([step({ do: 'dance' })])));
      assert.throws(
        () => loadStory(invalid),
        (e: Error) =>
          e instanceof StoryError && /invalid\.json is not valid/.test(e.message) && /steps\.0\.action/.test(e.message),
      );
      assert.throws(() => loadStory(join(dir, 'missing.json')), /cannot be read/);
      assert.throws(() => loadStory('nope'), /No built-in story "nope" \(built in: demo\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
