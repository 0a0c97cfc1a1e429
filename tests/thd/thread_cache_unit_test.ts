/**
 * ThreadCache without workers: what parks, what leaves, that surplus workers leave one at a
 * time with a pause between (so a mass disconnect does not slow the other sessions' ends and new
 * connections with back-to-back isolate teardowns), that a new connection reuses a worker that
 * waits to leave, and that a flush lets every one go at once.
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
  // Only the first surplus thread is exiting; the others wait for it and then a pause.
  assert.equal(threads.filter((t) => t.exiting).length, 1);
  threads.find((t) => t.exiting)!.finish();
  await tick();
  assert.equal(threads.filter((t) => t.exiting).length, 1);
  assert.equal(cache.leaving, 4);
  // A new connection takes a parked thread, then one waiting to leave, before starting one.
  const a = cache.take();
  const b = cache.take();
  const c = cache.take();
  assert.equal(next, 6);
  assert.ok([a, b, c].every((t) => !(t as unknown as FakeThread).exiting));
  assert.equal(cache.cached, 0);
  for (const t of [a, b, c]) cache.release(t);
  // Shutdown's flush: every parked and waiting thread exits now, the pause ends.
  const flushed = cache.flush();
  await tick();
  assert.equal(threads.filter((t) => t.exiting).length, 6);
  for (const t of threads) if (!t.exited) t.finish();
  await flushed;
  assert.equal(cache.cached, 0);
  assert.equal(cache.leaving, 0);
  assert.ok(threads.every((t) => t.exited));
});

Deno.test("thread cache: with thread_cache_size 0 a released thread exits at once", async () => {
  const threads = [new FakeThread(), new FakeThread()];
  let next = 0;
  const cache = new ThreadCache(0, () => threads[next++] as unknown as SessionThread);
  const a = cache.take();
  cache.release(a);
  assert.equal(threads[0]!.exiting, true);
  assert.equal(cache.leaving, 0);
  // The next connection gets a new thread, not the one on its way out.
  assert.equal(cache.take(), threads[1] as unknown as SessionThread);
  threads[0]!.finish();
  await tick();
});
