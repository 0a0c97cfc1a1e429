/**
 * The memory tracker on its own: exact counters, OceanBase's sampling intervals, released
 * allocations leaving the sample set, readable stacks, and the shared sample area.
 */

import assert from "node:assert/strict";
import { MemoryRegistry } from "../../server/memory/memory_registry.ts";
import {
  LARGE_ALLOCATION_BYTES,
  MemoryTracker,
  readSampleArea,
} from "../../server/memory/memory_tracker.ts";

function trackerWith(
  min: number,
  max: number,
): { tracker: MemoryTracker; registry: MemoryRegistry } {
  const registry = new MemoryRegistry();
  registry.attachThread("main");
  const tracker = new MemoryTracker();
  tracker.attach(registry.attachThread("test-thread"));
  registry.setIntervals(min, max);
  return { tracker, registry };
}

Deno.test("exact counters per label, high watermarks", () => {
  const { tracker, registry } = trackerWith(10000, 10000);
  const a = tracker.track("session", "connection 1", 100);
  const b = tracker.track("session", "connection 2", 50);
  tracker.release(a);
  tracker.release(a);
  const row = registry.summaryRows().find((r) => r[0] === "memory/mydeno/session")!;
  // EVENT_NAME, COUNT_ALLOC, COUNT_FREE, BYTES_ALLOC, BYTES_FREE, LOW, CURRENT, HIGH, LOW_B, CUR_B, HIGH_B
  assert.deepEqual(row, ["memory/mydeno/session", 2, 1, 150, 100, 0, 1, 2, 0, 50, 150]);
  tracker.release(b);
  assert.equal(tracker.outstanding().size, 0);
});

Deno.test("both intervals 1 sample every allocation, with a stack naming the caller", () => {
  const { tracker } = trackerWith(1, 1);
  const handles = [];
  for (let i = 0; i < 10; i++) handles.push(tracker.track("prepared_statement", "connection 7", 8));
  const rows = tracker.sampleRows();
  assert.equal(rows.length, 1);
  const [mod, ctx, ctxId, trace, count, bytes] = rows[0]!;
  assert.deepEqual([mod, ctx, ctxId, count, bytes], [
    "prepared_statement",
    "connection 7",
    1,
    10,
    80,
  ]);
  assert.match(trace, /^tests\/memory\/memory_tracker_test\.ts:\d+:\d+/);
  for (const h of handles.slice(0, 4)) tracker.release(h);
  assert.equal(tracker.sampleRows()[0]![4], 6);
  for (const h of handles.slice(4)) tracker.release(h);
  assert.deepEqual(tracker.sampleRows(), []);
});

Deno.test("both intervals 10000 sample nothing, not even large allocations", () => {
  const { tracker } = trackerWith(10000, 10000);
  for (let i = 0; i < 20000; i++) tracker.track("result_buffer", "connection 1", 10);
  tracker.track("result_buffer", "connection 1", LARGE_ALLOCATION_BYTES);
  assert.deepEqual(tracker.sampleRows(), []);
});

Deno.test("default intervals sample one allocation in 16 to 256, and every large one", () => {
  const { tracker } = trackerWith(16, 256);
  for (let i = 0; i < 2560; i++) tracker.track("result_buffer", "connection 1", 10);
  const sampled = tracker.sampleRows().reduce((n, r) => n + r[4], 0);
  // 2560 allocations at intervals of 16..256: between 10 and 160 samples.
  assert.ok(sampled >= 10 && sampled <= 160, `sampled ${sampled}`);
  tracker.track("hs_index", "connection 1", LARGE_ALLOCATION_BYTES);
  assert.equal(tracker.sampleRows().filter((r) => r[0] === "hs_index").length, 1);
});

Deno.test("a new setting reaches a tracker at once", () => {
  const { tracker, registry } = trackerWith(10000, 10000);
  for (let i = 0; i < 100; i++) tracker.track("session", "c", 1);
  registry.setIntervals(1, 1);
  tracker.track("session", "c", 1);
  assert.equal(tracker.sampleRows().length, 1);
});

Deno.test("published samples reach the main thread's registry, and stay after the thread ends", async () => {
  const registry = new MemoryRegistry();
  const tracker = new MemoryTracker();
  const buffers = registry.attachThread("session-9");
  tracker.attach(buffers);
  registry.setIntervals(1, 1);
  tracker.track("session", "connection 3", 1024);
  assert.deepEqual(readSampleArea(buffers.counters), []);
  tracker.publish();
  assert.equal(registry.sampleRows().length, 1);
  registry.detachThread(buffers.thread);
  const rows = await registry.rows();
  assert.equal(rows.samples.length, 1);
  assert.equal(rows.samples[0]![4], "session");
  assert.equal(rows.summary.find((r) => r[0] === "memory/mydeno/session")![9], 1024);
});

Deno.test("an abandoned thread's allocations stay in the summary but out of the leak check", () => {
  const registry = new MemoryRegistry();
  const tracker = new MemoryTracker();
  const buffers = registry.attachThread("session-stuck");
  tracker.attach(buffers);
  tracker.track("cached_plan", "session-stuck", 2048);
  registry.detachThread(buffers.thread, { abandoned: true });
  const row = (abandoned: boolean) =>
    registry.summaryRows({ abandoned }).find((r) => r[0] === "memory/mydeno/cached_plan")!;
  assert.equal(row(true)[6], 1);
  assert.equal(row(false)[6], 0);
});
