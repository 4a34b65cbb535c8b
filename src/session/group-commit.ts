/** One item's result in a batch: its value, or the error that item alone failed with. */
export type ItemResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: concurrent calls with the same key run as batches, one batch in flight per key. The first call
 * on an idle key goes at once, alone; calls that arrive while a batch is in flight wait for it and then go
 * together, at most `maxBatch` at a time, in arrival order (`maxBatch` 1: every call runs at once, on its own,
 * as without this class). No timer: at low load nothing waits, and under load
 * a batch is whatever queued while the previous one ran.
 *
 * `run` answers one result per item, in order; when it throws, every item of that batch fails with the error.
 * (DataLoader batches per tick and lets several batches of one key run at once, which in the database would only
 * queue on the same locks; atomic-batcher has this rule but one result for a whole batch and no bound.)
 */
export class GroupCommit<T, R> {
  private readonly lanes = new Map<string, Waiting<T, R>[]>();

  constructor(
    private readonly maxBatch: number,
    private readonly run: (key: string, items: T[]) => Promise<ItemResult<R>[]>,
  ) {}

  submit(key: string, item: T): Promise<R> {
    if (this.maxBatch <= 1) return this.alone(key, item);
    return new Promise<R>((resolve, reject) => {
      const waiting = { item, resolve, reject };
      const lane = this.lanes.get(key);
      if (lane) {
        lane.push(waiting);
        return;
      }
      const fresh = [waiting];
      this.lanes.set(key, fresh);
      void this.drain(key, fresh);
    });
  }

  /** Group commit off (`maxBatch` 1): each call runs at once, on its own, however many of its key are in flight. */
  private async alone(key: string, item: T): Promise<R> {
    const [result] = await this.run(key, [item]);
    if (result?.ok) return result.value;
    throw result ? result.error : new Error('batch answered no result');
  }

  private async drain(key: string, lane: Waiting<T, R>[]): Promise<void> {
    while (lane.length > 0) {
      const batch = lane.splice(0, this.maxBatch);
      let results: ItemResult<R>[] | undefined;
      let failure: unknown;
      try {
        results = await this.run(
          key,
          batch.map((w) => w.item),
        );
      } catch (error) {
        failure = error ?? new Error('batch failed');
      }
      batch.forEach((w, i) => {
        const result = results?.[i];
        if (result?.ok) w.resolve(result.value);
        else if (result) w.reject(result.error);
        else w.reject(failure ?? new Error(`batch answered no result for item ${i}`));
      });
    }
    this.lanes.delete(key);
  }
}
