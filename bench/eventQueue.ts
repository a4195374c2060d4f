/**
 * A FIFO of events that containers take from, as Lambda's queue for asynchronous invocations feeds
 * a function at its reserved concurrency: a taker waits (no polling) until an event comes or the
 * queue is closed. Head index instead of shift(): O(1) per event at any backlog.
 */
export class EventQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiting: (() => void)[] = [];
  private closed = false;

  get length(): number {
    return this.items.length - this.head;
  }

  put(item: T): void {
    this.items.push(item);
    this.waiting.shift()?.();
  }

  close(): void {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** The next event, or undefined once the queue is closed and empty. */
  async take(stop: () => boolean = () => false): Promise<T | undefined> {
    while (this.length === 0) {
      if (this.closed || stop()) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
