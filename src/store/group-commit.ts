/**
 * Group commit: callers submit one item each and get their own result, while the items that arrive
 * together are written in one transaction and one statement. Under load the batches grow by
 * themselves (items queue while earlier batches are in flight); alone, an item goes out at once.
 * A failed batch is retried item by item, so one bad item fails only its own caller.
 */
export class GroupCommit<I, O> {
  readonly #run: (items: readonly I[]) => Promise<readonly O[]>;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    run: (items: readonly I[]) => Promise<readonly O[]>,
    options: { maxBatch?: number; maxInFlight?: number } = {},
  ) {
    this.#run = run;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#maxInFlight = options.maxInFlight ?? 4;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#inFlight >= this.#maxInFlight) {
      return;
    }
    this.#scheduled = true;
    // Wait for the rest of this turn of the event loop: requests parsed together commit together.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inFlight++;
      void this.#commit(batch).finally(() => {
        this.#inFlight--;
        this.#schedule();
      });
    }
  }

  async #commit(batch: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[]): Promise<void> {
    try {
      const results = await this.#run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const b of batch) {
        try {
          b.resolve((await this.#run([b.item]))[0]!);
        } catch (e) {
          b.reject(e);
        }
      }
    }
  }
}
