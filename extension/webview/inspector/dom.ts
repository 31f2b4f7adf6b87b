// Tiny DOM helpers. Every value goes in as text (textContent); nothing is ever parsed as HTML.

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** Sets the text only when it changed (cheap re-renders of pooled rows). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
