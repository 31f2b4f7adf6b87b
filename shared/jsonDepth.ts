/**
 * Whether arrays and objects in a parsed JSON value nest deeper than `limit` (the value itself, when an array or
 * object, is level 1). Iterative, so a value nested a million levels deep is measured without a stack overflow —
 * unlike JSON.stringify, which fails on it and takes down whatever serialises it later.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length) {
    const { value: v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
