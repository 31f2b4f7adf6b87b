// Repeated runs of one bench on a noisy machine: the median and spread of every figure, and the targets missed.
import { loadavg } from 'node:os';
import { progress, quantile, round } from './common.mjs';

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The runs' figures folded into one object of their shape: each number becomes `pick(numbers of every run)`;
 * a flag is true when it is in every run; other leaves (strings) are kept as the first run has them; `target` objects are left out (they are
 * judged on the aggregate, not copied from one run).
 */
function fold(runs, pick) {
  const first = runs[0];
  if (typeof first === 'number') return pick(runs.filter((n) => typeof n === 'number' && Number.isFinite(n)));
  // A flag holds for the runs when it holds in every one.
  if (typeof first === 'boolean') return runs.every((b) => b === true);
  if (!isObject(first)) return first;
  const out = {};
  for (const key of Object.keys(first)) {
    if (key === 'target') continue;
    out[key] = fold(
      runs.map((r) => r?.[key]),
      pick,
    );
  }
  return out;
}

const median = (xs) =>
  xs.length
    ? round(
        quantile(
          [...xs].sort((a, b) => a - b),
          0.5,
        ),
        2,
      )
    : NaN;
const spread = (xs) => (xs.length ? [Math.min(...xs), Math.max(...xs)] : []);

/** `{ median, spread }` of the runs' figures; spread is [min, max] per number. */
export function aggregate(runs) {
  return { median: fold(runs, median), spread: fold(runs, spread) };
}

/**
 * Runs `once` `count` times (a fresh simulator each, as `once` starts its own); answers the figures of every run
 * with the load average (1 min) of the machine before each, so that a noisy run can be told apart.
 */
export async function repeatRuns(name, count, once) {
  const runs = [];
  for (let i = 0; i < count; i++) {
    const load = round(loadavg()[0], 2);
    progress(`${name}: run ${i + 1}/${count} (load average ${load})`);
    const figures = await once();
    runs.push({ ...figures, loadAverage1m: load });
  }
  return runs;
}

/**
 * Every object with `met: false` inside a `target` (the `target` itself too, as some benches put `met` there),
 * as dotted paths; arrays (the single runs) are not looked into: the targets that count are the aggregate's.
 */
export function missedTargets(figures, at = '', inTarget = false) {
  if (!isObject(figures)) return [];
  const missed = inTarget && figures.met === false ? [at.slice(0, -1)] : [];
  for (const [key, value] of Object.entries(figures))
    if (isObject(value)) missed.push(...missedTargets(value, `${at}${key}.`, inTarget || key === 'target'));
  return missed;
}
