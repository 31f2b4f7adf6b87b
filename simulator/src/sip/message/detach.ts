/** Shorter slices are copies anyway (V8's SlicedString::kMinLength). */
const MIN_SLICE = 13;

/**
 * The same text as `s`, made not to keep alive the string it was cut from: V8 makes a slice of a long string a
 * view into it, so a field value kept for long (a binding's Call-ID, a nonce in the replay table, an event's
 * contact) would keep the whole text of its request in memory — a registrar with 10,000 bindings held 10,000
 * request heads that way, and the garbage collector moved each of them to the old generation. Copies by
 * flattening a fresh concatenation: one copy of `s`, no encoding round trip.
 */
export function detached(s: string): string {
  return s.length < MIN_SLICE ? s : (' ' + s).slice(1);
}
