/** Reads server-sent events from a fetch response body, for the tests of Vigil's event streams. */
export interface SseEvent {
  readonly id: string;
  readonly event: string;
  readonly data: string;
}

/** Reads server-sent events from a response body, event by event. */
export class EventReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  #done = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  async next(n: number): Promise<SseEvent[]> {
    const out: SseEvent[] = [];
    while (out.length < n) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon > 0) {
            fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
          }
        }
        // A block without data (a bare `id:` naming where the stream starts) dispatches nothing.
        if (fields.has('id') && fields.has('data')) {
          out.push({ id: fields.get('id')!, event: fields.get('event')!, data: fields.get('data')! });
        }
        continue;
      }
      const chunk = await this.#reader.read();
      if (chunk.done) {
        throw new Error(`the stream ended after ${out.length} of ${n} events`);
      }
      this.#buffer += this.#decoder.decode(chunk.value, { stream: true });
    }
    return out;
  }

  /** Resolves true once the server ends the stream (reading whatever comes before). */
  async ended(): Promise<boolean> {
    while (!this.#done) {
      this.#done = (await this.#reader.read()).done;
    }
    return true;
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }
}
