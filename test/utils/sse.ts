import { eventually } from './eventually.js';

export interface SseEvent {
  id?: string;
  data: any;
}

/** A Server-Sent Events client over fetch: parses `id:` and `data:` lines, keeps what it received. */
export class SseClient {
  readonly events: SseEvent[] = [];
  ended = false;
  private readonly abort = new AbortController();

  private constructor(
    readonly status: number,
    readonly headers: Headers,
  ) {}

  static async open(url: string, token: string, lastEventId?: string): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal: abort.signal,
    });
    const client = new SseClient(response.status, response.headers);
    (client as unknown as { abort: AbortController }).abort = abort;
    if (response.ok && response.body) void client.read(response.body);
    else client.ended = true;
    return client;
  }

  /** Drops the connection, as a client losing its network would. */
  close(): void {
    this.abort.abort();
  }

  get lastId(): string | undefined {
    return this.events.at(-1)?.id;
  }

  async waitFor(count: number, ms = 15_000): Promise<void> {
    await eventually(async () => this.events.length >= count, ms);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length) this.events.push({ id, data: JSON.parse(data.join('\n')) });
        }
      }
    } catch {
      // aborted
    } finally {
      this.ended = true;
    }
  }
}
