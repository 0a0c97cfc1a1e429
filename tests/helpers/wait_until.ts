/** A bounded poll for an outcome another thread or process brings about (timing goals live in
 * benchmarks, so the bound is generous). */

/** Poll `probe` every 100 ms until it returns true; fails after `ms` (default 10 s). */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean> | boolean,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`Timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
