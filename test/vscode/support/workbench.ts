// Asks the workbench page (test/vscode/run.mjs, workbench-actions.mjs) to act as a user: click an element, or read
// and answer the input box on screen. The extension host cannot see its own showInputBox; the page can.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../../support/until';

export interface InputBoxSeen {
  found: boolean;
  title: string;
  /** The prompt (or validation message) under the input. */
  message?: string;
  password?: boolean;
  /** The notification toasts on screen meanwhile. */
  notifications: string[];
}

export interface ClickResult {
  found: boolean;
  classes?: string;
  error?: string;
}

/** One request at a time: the runner has one request and one response file. */
let queue: Promise<unknown> = Promise.resolve();

function ask<T>(request: Record<string, unknown>, timeoutMs: number): Promise<T> {
  const dir = process.env.STARFACE_DOM_CHECK_DIR;
  assert.ok(dir, 'test/vscode/run.mjs passes STARFACE_DOM_CHECK_DIR: this test needs its page to drive the workbench');
  const response = join(dir, 'response.json');
  const run = queue.then(async () => {
    rmSync(response, { force: true });
    writeFileSync(join(dir, 'request.json'), JSON.stringify({ ...request, timeoutMs }));
    // The page gives up after timeoutMs itself and says what it saw; the margin covers its round trip.
    const answer = await until(
      `the workbench page to answer ${String(request.action)}`,
      () => existsSync(response) && readFileSync(response, 'utf8'),
      timeoutMs + 15_000,
    );
    rmSync(response, { force: true });
    return JSON.parse(answer) as T;
  });
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Waits for an input box whose title contains `title`, then types `answer` and presses Enter, or presses Escape
 * when `answer` is null. Answers what the box showed.
 */
export function answerInputBox(title: string, answer: string | null, timeoutMs = 15_000): Promise<InputBoxSeen> {
  return ask<InputBoxSeen>({ action: 'quickInput', title, answer }, timeoutMs);
}

/**
 * Clicks the first element a Playwright selector matches in the workbench page. `settledClass`: wait for the class the click brings (e.g. `selected`) before answering the
 * element's classes.
 */
export function clickInWorkbench(selector: string, timeoutMs = 10_000, settledClass?: string): Promise<ClickResult> {
  return ask<ClickResult>({ action: 'click', selector, settledClass }, timeoutMs);
}

export interface AttributeSeen {
  /** True when the attribute had the wanted value within the time. */
  found: boolean;
  /** The value last seen (null: no such element or attribute). */
  value: string | null;
}

/**
 * Waits until the first element a CSS selector matches in the workbench page has attribute `name` = `value` (the
 * workbench's own DOM, e.g. a walkthrough step's `aria-checked`); answers what it saw.
 */
export function waitForAttribute(
  selector: string,
  name: string,
  value: string,
  timeoutMs = 15_000,
): Promise<AttributeSeen> {
  return ask<AttributeSeen>({ action: 'attribute', selector, name, value }, timeoutMs);
}
