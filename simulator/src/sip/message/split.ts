/**
 * Splits `text` at every `separator` that stands outside double quotes (a backslash escapes inside them) and,
 * with `angles`, outside `<…>`: a quoted value or a bracketed URI may hold the separator itself.
 */
export function splitOutside(text: string, separator: string, angles = false): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (angles && c === '<') depth++;
    else if (angles && c === '>') depth = Math.max(0, depth - 1);
    else if (c === separator && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}
