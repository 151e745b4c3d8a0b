/** A fixed-capacity buffer that keeps the newest items: a job's history never grows without bound. */
export class Ring<T> {
  private readonly items: T[] = [];
  private start = 0;
  /** How many items were pushed out to make room. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds `item`; returns the oldest item when it had to make room for it. */
  push(item: T): T | undefined {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return undefined;
    }
    const out = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    this.dropped++;
    return out;
  }

  /** Oldest first. */
  toArray(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }
}
