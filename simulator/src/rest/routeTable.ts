import type { Endpoint } from '../../../shared/api/endpoint.js';
import { invalid } from '../state/errors.js';

/*
 * Finds the REST table's entry for a method and path in one lookup, instead of express trying one route per
 * entry in turn: with the 110+ entries of REST 6.7 the route-by-route walk (a regular expression and a closure
 * chain per entry) was an eighth of the CPU of a `GET /rest/contacts` under load. Paths match as express matched
 * them (literal segments in any case, each parameter one segment, URL-decoded) and a trailing slash is
 * optional on both sides: the fact sheet writes some paths with one (`/functionkeysets/{fkSetId}/`) and
 * clients call them either way.
 */

export interface RouteMatch<E> {
  entry: E;
  /** The path parameters by name, URL-decoded, as strings (the entry's schemas parse them). */
  params: Record<string, string>;
}

interface Route<E> {
  method: string;
  /** Lower-cased literal segments; null where the path has a parameter. */
  segments: (string | null)[];
  names: string[];
  entry: E;
}

/** `/a/{b}/c/` → `['a', null, 'c']` (the leading and one trailing slash dropped). */
function split(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(1).split('/');
}

/** Literal segments before parameters, so `/users/me` wins over `/users/{userId}`; otherwise the table's order. */
function bySpecificity(a: Route<unknown>, b: Route<unknown>): number {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const d = Number(a.segments[i] === null) - Number(b.segments[i] === null);
    if (d) return d;
  }
  return 0;
}

export class RouteTable<E extends Pick<Endpoint, 'method' | 'path'>> {
  /** By segment count and first segment: a request compares itself with a handful of routes at most. */
  private readonly buckets = new Map<string, Route<E>[]>();

  constructor(entries: readonly E[]) {
    const routes = entries.map((entry): Route<E> => {
      const parts = split(entry.path);
      return {
        method: entry.method.toUpperCase(),
        segments: parts.map((s) => (s.startsWith('{') ? null : s.toLowerCase())),
        names: parts.filter((s) => s.startsWith('{')).map((s) => s.slice(1, -1)),
        entry,
      };
    });
    for (const route of routes.sort(bySpecificity)) {
      const key = RouteTable.key(route.segments.length, route.segments[0] ?? '');
      const bucket = this.buckets.get(key);
      if (bucket) bucket.push(route);
      else this.buckets.set(key, [route]);
    }
  }

  private static key(count: number, first: string): string {
    return `${count}/${first}`;
  }

  /**
   * The entry for `method` and `path` (relative to /rest, without the query), if any. HEAD is answered as GET (node
   * leaves the body out), as express routes did.
   */
  match(method: string, path: string): RouteMatch<E> | undefined {
    const found = this.find(method, path);
    return found ?? (method === 'HEAD' ? this.find('GET', path) : undefined);
  }

  private find(method: string, path: string): RouteMatch<E> | undefined {
    const parts = split(path);
    const bucket = this.buckets.get(RouteTable.key(parts.length, (parts[0] ?? '').toLowerCase()));
    if (!bucket) return undefined;
    for (const route of bucket) {
      if (route.method !== method || !RouteTable.fits(route, parts)) continue;
      const params: Record<string, string> = {};
      let n = 0;
      for (let i = 0; i < parts.length; i++)
        if (route.segments[i] === null) params[route.names[n++]!] = decode(parts[i]!, route.names[n - 1]!);
      return { entry: route.entry, params };
    }
    return undefined;
  }

  /** True if some entry has this path, whatever its method. */
  knows(path: string): boolean {
    const parts = split(path);
    const bucket = this.buckets.get(RouteTable.key(parts.length, (parts[0] ?? '').toLowerCase()));
    return bucket?.some((route) => RouteTable.fits(route, parts)) ?? false;
  }

  private static fits(route: Route<unknown>, parts: string[]): boolean {
    for (let i = 0; i < parts.length; i++) {
      const literal = route.segments[i];
      if (literal === null) {
        if (parts[i] === '') return false;
      } else if (literal !== parts[i] && literal !== parts[i]!.toLowerCase()) return false;
    }
    return true;
  }
}

function decode(segment: string, name: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalid('VALIDATION_FAILED', `path.${name}: not a valid URL-encoded value`, { field: `path.${name}` });
  }
}
