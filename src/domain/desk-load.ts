/**
 * How busy the desk is: requests answered by this process in the last few seconds (HTTP requests and
 * SIP2 messages), counted in tenth-of-a-second buckets of a ring. The transports record each request;
 * the retention engine asks for the rate before each page, to size it to the desk (issue 23). Pure: the
 * caller passes the instant (a monotonic clock's milliseconds), so counting costs one array write.
 */
export class DeskLoad {
  readonly #buckets: Int32Array;
  readonly #stamps: Float64Array;
  readonly #bucketMs = 100;

  constructor(private readonly windowMs = 5_000) {
    const n = Math.max(1, Math.ceil(windowMs / this.#bucketMs));
    this.#buckets = new Int32Array(n);
    this.#stamps = new Float64Array(n).fill(-Infinity);
  }

  /** Counts one request at `atMs`. */
  record(atMs: number): void {
    const slot = Math.floor(atMs / this.#bucketMs);
    const i = slot % this.#buckets.length;
    if (this.#stamps[i] !== slot) {
      this.#stamps[i] = slot;
      this.#buckets[i] = 0;
    }
    this.#buckets[i]!++;
  }

  /** Requests per second over the window that ends at `atMs`. */
  perSecond(atMs: number): number {
    const now = Math.floor(atMs / this.#bucketMs);
    let count = 0;
    for (let i = 0; i < this.#buckets.length; i++) {
      const stamp = this.#stamps[i]!;
      if (stamp > now - this.#buckets.length && stamp <= now) count += this.#buckets[i]!;
    }
    return count / (this.windowMs / 1000);
  }
}
