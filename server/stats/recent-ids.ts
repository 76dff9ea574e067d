/** A bounded set of the most recent request ids: the second guard (after the log cursor) against counting a line twice. */
export class RecentIds {
  private readonly set = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;
  constructor(readonly capacity = 10_000) {
    this.ring = new Array<string | undefined>(capacity);
  }

  /** True when the id is new (and remembers it), false when it was seen recently. */
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    const old = this.ring[this.next];
    if (old !== undefined) this.set.delete(old);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.set.add(id);
    return true;
  }

  get size(): number {
    return this.set.size;
  }
}
