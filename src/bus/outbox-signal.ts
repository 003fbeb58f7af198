/**
 * "The outbox has new rows": registration and the other writers of the outbox notify after their
 * transaction commits, and whichever consumer runs in this process (dispatcher or relay) subscribes,
 * so work starts at once instead of at the next poll. Nobody subscribed: nothing happens.
 */
export class OutboxSignal {
  readonly #listeners = new Set<() => void>();

  notify(): void {
    for (const listener of this.#listeners) {
      listener();
    }
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
