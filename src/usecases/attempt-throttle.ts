import { isIPv6 } from 'node:net';
import type { Clock } from '../domain/clock.js';

/**
 * Failed log-ins per client address, in memory: a second lock beside the per-card lockout, against one
 * address trying a few PINs on many cards. Each attempt takes a slot for `windowMs`; a successful one
 * gives its slot back, so a branch's public computers behind one address are not shut out by patrons
 * who log in fine. Memory is bounded: at most `limit` instants per address, at most `maxAddresses`
 * addresses (stale ones are dropped first, then the least recently seen).
 */
export class AttemptThrottle {
  readonly #attempts = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly options: { limit: number; windowMs: number; maxAddresses: number } = { limit: 20, windowMs: 15 * 60_000, maxAddresses: 10_000 },
  ) {}

  /** Takes a slot for an address: its instant (to give back with `forgive`), or undefined when none is left. */
  take(address: string): number | undefined {
    const now = this.clock.now().getTime();
    const recent = (this.#attempts.get(address) ?? []).filter((at) => at > now - this.options.windowMs);
    if (recent.length >= this.options.limit) {
      this.#keep(address, recent, now);
      return undefined;
    }
    recent.push(now);
    this.#keep(address, recent, now);
    return now;
  }

  /** Whether an address has no slot left (nothing is taken). */
  exhausted(address: string): boolean {
    const now = this.clock.now().getTime();
    return (this.#attempts.get(address) ?? []).filter((at) => at > now - this.options.windowMs).length >= this.options.limit;
  }

  /** Gives back the slot an attempt took (it succeeded). */
  forgive(address: string, at: number): void {
    const attempts = this.#attempts.get(address);
    const index = attempts?.indexOf(at) ?? -1;
    if (!attempts || index < 0) return;
    attempts.splice(index, 1);
    if (attempts.length === 0) this.#attempts.delete(address);
  }

  /** How many addresses are tracked (for tests of the bound). */
  get size(): number {
    return this.#attempts.size;
  }

  #keep(address: string, attempts: number[], now: number): void {
    // Re-inserted so the map's order is least recently seen first.
    this.#attempts.delete(address);
    if (attempts.length > 0) this.#attempts.set(address, attempts);
    if (this.#attempts.size <= this.options.maxAddresses) return;
    for (const [key, stamps] of this.#attempts) if (stamps.every((at) => at <= now - this.options.windowMs)) this.#attempts.delete(key);
    // Still full of live addresses: drop the least recently seen down to 90 %, so this scan is rare.
    const target = Math.floor(this.options.maxAddresses * 0.9);
    for (const key of this.#attempts.keys()) {
      if (this.#attempts.size <= target) break;
      this.#attempts.delete(key);
    }
  }
}

/**
 * The address a throttle counts: an IPv4 address as is, an IPv6 address by its /64 network (one
 * subscriber usually holds a whole /64, and would otherwise have 2^64 fresh addresses to try from).
 */
export function throttleKey(ip: string): string {
  const address = ip.split('%')[0] as string;
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address)) return address.slice(7);
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.split('::');
  const first = head === '' ? [] : head.split(':');
  const last = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? first : [...first, ...Array<string>(8 - first.length - last.length).fill('0'), ...last];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
