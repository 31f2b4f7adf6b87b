// Reads an `strace -f -e trace=%network` log and names every IPv4/IPv6 destination that is not loopback.

export interface NetworkFindings {
  /** connect/sendto/sendmsg/sendmmsg lines towards a non-loopback address that can put a packet on the wire. */
  offLoopback: string[];
  /**
   * connect() of a UDP socket towards a non-loopback address with nothing sent on it afterwards: the kernel only
   * looks up the route (no packet leaves). liblinphone 5.1 does this once at start to learn its own address.
   */
  routeLookups: string[];
  /** How many connect/send calls the log holds (to tell an empty log from a quiet one). */
  calls: number;
}

const isLoopback = (addr: string): boolean => /^127\./.test(addr) || addr === '::1' || /^::ffff:127\./i.test(addr);

/** The IP addresses a strace line names (inet_addr("…") and inet_pton(AF_INET6, "…")). */
function addresses(line: string): string[] {
  return [...line.matchAll(/inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6?, "([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
}

/** Joins the halves strace -f writes when another thread interrupts a call (`… <unfinished ...>`, `<... x resumed>…`). */
function joinResumed(log: string): string[] {
  const pending = new Map<string, string>();
  const lines: string[] = [];
  for (const raw of log.split('\n')) {
    const pid = raw.match(/^(\d+)\s/)?.[1] ?? '';
    if (raw.endsWith('<unfinished ...>')) {
      pending.set(pid, raw.slice(0, -'<unfinished ...>'.length));
      continue;
    }
    const resumed = raw.match(/^(?:\d+\s+)?<\.\.\. \w+ resumed>(.*)$/);
    if (resumed && pending.has(pid)) {
      lines.push(pending.get(pid)! + resumed[1]);
      pending.delete(pid);
      continue;
    }
    lines.push(raw);
  }
  return [...lines, ...pending.values()];
}

export function networkFindings(log: string): NetworkFindings {
  const offLoopback: string[] = [];
  const routeLookups: string[] = [];
  let calls = 0;
  const dgram = new Set<string>();
  /** fd → the connect line of a UDP socket connected off loopback, until something is sent on it. */
  const probes = new Map<string, string>();
  for (const line of joinResumed(log)) {
    const m = line.match(/^(?:\d+\s+)?(socket|socketpair|accept4?|connect|sendto|sendmsg|sendmmsg|bind)\b\(?(\d*)/);
    if (!m) continue;
    const [, call, fdText] = m;
    if (call === 'socket' || call === 'accept' || call === 'accept4') {
      const fd = line.match(/= (\d+)\s*$/)?.[1];
      if (fd) {
        // The fd was closed and is reused: a probe on it sent nothing.
        if (probes.has(fd)) routeLookups.push(probes.get(fd)!);
        probes.delete(fd);
        if (call === 'socket' && /SOCK_DGRAM/.test(line)) dgram.add(fd);
        else dgram.delete(fd);
      }
      continue;
    }
    if (call === 'bind' || call === 'socketpair') continue;
    calls++;
    const fd = fdText ?? '';
    const off = addresses(line).filter((a) => !isLoopback(a));
    if (call === 'connect') {
      if (off.length === 0) continue;
      if (dgram.has(fd)) probes.set(fd, line.trim());
      else offLoopback.push(line.trim());
      continue;
    }
    // A send: to an explicit address off loopback, or without one on a UDP socket connected off loopback.
    if (off.length > 0) offLoopback.push(line.trim());
    else if (probes.has(fd) && addresses(line).length === 0) {
      offLoopback.push(`${probes.get(fd)}\n  then ${line.trim()}`);
      probes.delete(fd);
    }
  }
  routeLookups.push(...probes.values());
  return { offLoopback, routeLookups, calls };
}
