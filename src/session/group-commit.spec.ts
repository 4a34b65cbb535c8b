import { GroupCommit, type ItemResult } from './group-commit.js';

/** A batch runner the test answers by hand: each call waits until the test releases it. */
function controlledRunner() {
  const calls: {
    key: string;
    items: number[];
    release: (results?: ItemResult<string>[]) => void;
    fail: (e: Error) => void;
  }[] = [];
  const run = (key: string, items: number[]) =>
    new Promise<ItemResult<string>[]>((resolve, reject) => {
      calls.push({
        key,
        items,
        release: (results) => resolve(results ?? items.map((i) => ({ ok: true, value: `${key}:${i}` }))),
        fail: reject,
      });
    });
  return { calls, run };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('runs the first call at once, alone; calls arriving meanwhile go together when it is done, in order', async () => {
    const { calls, run } = controlledRunner();
    const group = new GroupCommit(10, run);
    const first = group.submit('k', 1);
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    const later = [2, 3, 4].map((i) => group.submit('k', i));
    await settle();
    expect(calls).toHaveLength(1);
    calls[0].release();
    await expect(first).resolves.toBe('k:1');
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1].release();
    await expect(Promise.all(later)).resolves.toEqual(['k:2', 'k:3', 'k:4']);
    // Idle again: the next call goes at once.
    const again = group.submit('k', 5);
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4], [5]]);
    calls[2].release();
    await expect(again).resolves.toBe('k:5');
  });

  it('keeps one batch in flight per key, and keys apart', async () => {
    const { calls, run } = controlledRunner();
    const group = new GroupCommit(10, run);
    const a = group.submit('a', 1);
    const b = group.submit('b', 2);
    const a2 = group.submit('a', 3);
    await settle();
    expect(calls.map((c) => [c.key, c.items])).toEqual([
      ['a', [1]],
      ['b', [2]],
    ]);
    calls[1].release();
    calls[0].release();
    await expect(Promise.all([a, b])).resolves.toEqual(['a:1', 'b:2']);
    await settle();
    expect(calls.map((c) => [c.key, c.items])[2]).toEqual(['a', [3]]);
    calls[2].release();
    await expect(a2).resolves.toBe('a:3');
  });

  it('bounds a batch at maxBatch; the rest go in the next one', async () => {
    const { calls, run } = controlledRunner();
    const group = new GroupCommit(2, run);
    const all = [1, 2, 3, 4, 5, 6].map((i) => group.submit('k', i));
    await settle();
    calls[0].release();
    await settle();
    calls[1].release();
    await settle();
    calls[2].release();
    await settle();
    calls[3].release();
    await expect(Promise.all(all)).resolves.toEqual(['k:1', 'k:2', 'k:3', 'k:4', 'k:5', 'k:6']);
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3], [4, 5], [6]]);
  });

  it("fails an item alone with its own error; a batch that throws fails its items and not the next batch's", async () => {
    const { calls, run } = controlledRunner();
    const group = new GroupCommit(10, run);
    const first = group.submit('k', 1);
    const second = [2, 3].map((i) => group.submit('k', i));
    await settle();
    calls[0].fail(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await settle();
    const third = group.submit('k', 4);
    calls[1].release([
      { ok: false, error: new Error('player 2 failed') },
      { ok: true, value: 'three' },
    ]);
    await expect(second[0]).rejects.toThrow('player 2 failed');
    await expect(second[1]).resolves.toBe('three');
    await settle();
    calls[2].release([]);
    await expect(third).rejects.toThrow('no result');
  });

  it('with maxBatch 1, runs every call at once on its own', async () => {
    const { calls, run } = controlledRunner();
    const group = new GroupCommit(1, run);
    const all = [1, 2, 3].map((i) => group.submit('k', i));
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3]]);
    calls.forEach((c) => c.release());
    await expect(Promise.all(all)).resolves.toEqual(['k:1', 'k:2', 'k:3']);
  });
});
