/**
 * ThreadCache without workers: what parks, what leaves, and that surplus workers leave one at a
 * time (so a mass disconnect does not spend both cores on isolate teardowns while the other
 * sessions wait to end), while a flush lets every one go at once.
 */

import assert from "node:assert/strict";
import { ThreadCache } from "../../server/thread_cache/thread_cache.ts";
import type { SessionThread } from "../../server/connection/session_thread.ts";

/** A stand-in thread whose exit finishes when the test says so. */
class FakeThread {
  exited = false;
  exiting = false;
  #done: (() => void) | null = null;

  attach(): void {}

  exit(): Promise<void> {
    this.exiting = true;
    return new Promise((resolve) => {
      this.#done = () => {
        this.exited = true;
        resolve();
      };
    });
  }

  /** Let a pending exit complete. */
  finish(): void {
    this.#done?.();
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("thread cache: surplus threads leave one at a time; flush lets all go", async () => {
  const threads = Array.from({ length: 6 }, () => new FakeThread());
  let next = 0;
  const cache = new ThreadCache(2, () => threads[next++] as unknown as SessionThread);
  const taken = threads.map(() => cache.take());
  for (const t of taken) cache.release(t);
  assert.equal(cache.cached, 2);
  assert.equal(cache.leaving, 4);
  await tick();
  // Only the first surplus thread is exiting; the others wait for it.
  assert.equal(threads.filter((t) => t.exiting).length, 1);
  threads.find((t) => t.exiting)!.finish();
  await tick();
  assert.equal(threads.filter((t) => t.exiting).length, 2);
  assert.equal(cache.leaving, 3);
  // Shutdown's flush: every parked and waiting thread exits now.
  const flushed = cache.flush();
  await tick();
  assert.equal(threads.filter((t) => t.exiting).length, 6);
  for (const t of threads) if (!t.exited) t.finish();
  await flushed;
  assert.equal(cache.cached, 0);
  assert.equal(cache.leaving, 0);
  assert.ok(threads.every((t) => t.exited));
});
