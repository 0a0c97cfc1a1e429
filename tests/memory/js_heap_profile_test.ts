/**
 * V8's sampling heap profile as JS_HEAP_SAMPLES rows, on their own: stacks innermost first with
 * the runtime's frames dropped, one row per stack, most bytes first; frames of TypeScript mapped
 * back to their source lines; and this thread's own profiler through the registry.
 */

import assert from "node:assert/strict";
import {
  flattenProfile,
  FrameFormatter,
  type ProfileNode,
} from "../../server/memory/js_heap_profile.ts";
import { memoryRegistry } from "../../server/memory/memory_registry.ts";
import { jsHeapSampler } from "../../server/memory/js_heap_sampler.ts";

let nextId = 1;

function node(url: string, fn: string, selfSize: number, children: ProfileNode[] = []) {
  return {
    callFrame: { functionName: fn, url, lineNumber: 9, columnNumber: 4 },
    selfSize,
    id: nextId++,
    children,
  } satisfies ProfileNode;
}

Deno.test("a profile flattens to stacks, innermost first, the runtime's frames dropped", () => {
  const app = "file:///srv/app.js";
  const leaf = node("ext:deno_web/08_text_encoding.js", "decode", 1000);
  const viaRuntime = node("ext:core/01_core.js", "drainTicks", 0, [
    node(app, "outer", 0, [node("node:internal", "helper", 0, [node(app, "inner", 0, [leaf])])]),
  ]);
  const other = node(app, "other", 5000);
  const twin = node(app, "outer", 0, [node(app, "inner", 0, [node("ext:x.js", "decode", 500)])]);
  const head = node("", "(root)", 0, [viaRuntime, other, twin]);
  const samples = [leaf.id, leaf.id, other.id].map((nodeId, ordinal) => ({
    size: 1,
    nodeId,
    ordinal,
  }));
  const rows = flattenProfile({ head, samples }, 10);
  const formatter = new FrameFormatter();
  assert.deepEqual(
    rows.map(([frames, count, bytes]) => [formatter.backTrace(frames), count, bytes]),
    [
      ["file:///srv/app.js:10:5 other", 1, 5000],
      [
        // The innermost frame stays, runtime or not; the two stacks read the same and join.
        "ext:deno_web/08_text_encoding.js:10:5 decode; file:///srv/app.js:10:5 inner; " +
        "file:///srv/app.js:10:5 outer",
        2,
        1000,
      ],
      [
        "ext:x.js:10:5 decode; file:///srv/app.js:10:5 inner; file:///srv/app.js:10:5 outer",
        0,
        500,
      ],
    ],
  );
  assert.equal(flattenProfile({ head, samples }, 1).length, 1);
});

/** A JavaScript allocation this thread keeps while the test reads its profile. */
const kept: unknown[] = [];

function keepForTheProfile(): void {
  kept.push(new Array(64 * 1024).fill(1));
}

Deno.test("this thread's profiler finds a retained array by file, line and function", async () => {
  memoryRegistry.setJsHeapInterval(32768);
  try {
    keepForTheProfile();
    const rows = await memoryRegistry.jsHeapSampleRows();
    const mine = rows.filter((r) => r[2].includes("keepForTheProfile"));
    assert.equal(mine.length, 1, JSON.stringify(rows.slice(0, 5)));
    const [thread, name, trace, count, bytes, age] = mine[0]!;
    assert.deepEqual([thread, name], [0, "main"]);
    // The function's own line in this file, not a line of the JavaScript Deno emitted.
    const line = (await Deno.readTextFile(new URL(import.meta.url))).split("\n")
      .findIndex((l) => l.startsWith("function keepForTheProfile")) + 1;
    assert.match(
      trace,
      new RegExp(`^tests/memory/js_heap_profile_test\\.ts:${line}:\\d+ keepForTheProfile`),
    );
    assert.ok(count >= 1 && bytes >= 256 * 1024, `${count} samples, ${bytes} bytes`);
    assert.ok(age >= 0);
    kept.length = 0;
  } finally {
    memoryRegistry.setJsHeapInterval(0);
    jsHeapSampler.close();
  }
});
