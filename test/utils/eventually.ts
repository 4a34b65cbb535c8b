/** Polls until `check` holds; fails after `ms` (instead of sleeping a fixed time). */
export async function eventually(check: () => Promise<boolean>, ms = 5_000, every = 25): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
