// What a test in the extension host asks the workbench page to do, as a user would (test/vscode/run.mjs relays
// request.json → response.json): click an element, or read and answer the input box that is showing. The host
// has no API to see or answer its own showInputBox; the page does it through the real DOM and keyboard.

/** The texts of the notification toasts now on screen. */
async function notifications(page) {
  return page
    .locator('.notifications-toasts .notification-list-item-message')
    .allTextContents()
    .catch(() => []);
}

/**
 * Waits for a visible input box whose title contains `title`, reports what it shows, then types `answer` and
 * presses Enter, or presses Escape when `answer` is null. `found: false` (with what is showing instead) when
 * none appears within `timeoutMs`.
 */
async function quickInput(page, { title = '', answer = null, timeoutMs = 10_000 }) {
  const widget = page.locator('.quick-input-widget');
  const visibleWith = (want) => {
    // eslint-disable-next-line no-undef -- runs in the workbench page, where document exists
    const w = document.querySelector('.quick-input-widget');
    if (!w || !w.checkVisibility() || !w.querySelector('.quick-input-box input')?.checkVisibility()) return false;
    return (w.querySelector('.quick-input-title')?.textContent ?? '').includes(want);
  };
  try {
    await page.waitForFunction(visibleWith, title, { timeout: timeoutMs, polling: 50 });
  } catch {
    const showing = (await widget.isVisible().catch(() => false))
      ? await widget
          .locator('.quick-input-title')
          .textContent()
          .catch(() => '')
      : '';
    return { found: false, title: showing ?? '', notifications: await notifications(page) };
  }
  const input = widget.locator('.quick-input-box input');
  const seen = {
    found: true,
    title: ((await widget.locator('.quick-input-title').textContent()) ?? '').trim(),
    message: (
      (await widget
        .locator('.quick-input-message')
        .textContent()
        .catch(() => '')) ?? ''
    ).trim(),
    password: (await input.getAttribute('type')) === 'password',
    notifications: await notifications(page),
  };
  if (typeof answer === 'string') {
    await input.fill(answer);
    await input.press('Enter');
  } else {
    await input.press('Escape');
  }
  return seen;
}

/**
 * Clicks the first visible element `selector` (a Playwright selector) matches; answers its classes afterwards.
 * With `settledClass`, it waits (up to `timeoutMs`) for the class the click should bring: the workbench applies a
 * selection after the click event, later on a busy machine, so reading at once would race it. A tree that
 * re-renders its rows between the click and the selection (a refresh while the session settles) drops the click,
 * as it would for a user, who then clicks again: so does this, every 2 s, within the same deadline.
 */
async function click(page, { selector, timeoutMs = 10_000, settledClass }) {
  // Hidden lists (a closed quick pick, a collapsed view) keep rows in the DOM: only a visible one is a target.
  const target = page.locator(selector).filter({ visible: true }).first();
  const classes = async () => (await target.getAttribute('class', { timeout: 1_000 }).catch(() => '')) ?? '';
  const settled = async () => !settledClass || (await classes()).split(/\s+/).includes(settledClass);
  // One deadline for clicks and settling: the test waits timeoutMs (plus a round trip) for the answer.
  const until = Date.now() + timeoutMs;
  try {
    await target.click({ timeout: timeoutMs });
    let clickedAt = Date.now();
    while (!(await settled()) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      if (Date.now() - clickedAt >= 2_000 && Date.now() < until) {
        await target.click({ timeout: Math.max(1, until - Date.now()) });
        clickedAt = Date.now();
      }
    }
    return { found: true, classes: await classes() };
  } catch (e) {
    return { found: false, error: String(e?.message ?? e).split('\n')[0] };
  }
}

/**
 * Waits until the first element `selector` (a CSS selector) matches has the attribute `name` with `value`, e.g. a
 * walkthrough step's `aria-checked`. Answers the value last seen; `found: false` when it never had that value
 * within `timeoutMs`.
 */
async function attribute(page, { selector, name, value, timeoutMs = 10_000 }) {
  const read = ([sel, attr]) =>
    // eslint-disable-next-line no-undef -- runs in the workbench page, where document exists
    document.querySelector(sel)?.getAttribute(attr) ?? null;
  try {
    await page.waitForFunction(
      // eslint-disable-next-line no-undef -- runs in the workbench page, where document exists
      ([sel, attr, want]) => (document.querySelector(sel)?.getAttribute(attr) ?? null) === want,
      [selector, name, value],
      {
        timeout: timeoutMs,
        polling: 50,
      },
    );
    return { found: true, value };
  } catch {
    return { found: false, value: await page.evaluate(read, [selector, name]).catch(() => null) };
  }
}

export async function workbenchAction(page, request) {
  switch (request.action) {
    case 'quickInput':
      return quickInput(page, request);
    case 'click':
      return click(page, request);
    case 'attribute':
      return attribute(page, request);
    default:
      return { found: false, error: `unknown action ${JSON.stringify(request.action)}` };
  }
}
