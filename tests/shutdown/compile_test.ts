/**
 * `deno task compile` (shutdown/compile.ts): every module the server starts as a Worker is
 * named with `--include`, or the single binary would fail when it first starts that thread.
 * Workers are found the way the server starts them: `new URL("….ts", import.meta.url)` passed
 * to `startWorker` or kept in a `WORKER_URL`.
 */

import assert from "node:assert/strict";
import { compileArgs, WORKERS } from "../../shutdown/compile.ts";
import { repoRoot } from "../helpers/paths.ts";

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* sources(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("compile: every worker module is included in the binary", async () => {
  const root = repoRoot();
  const started = new Set<string>();
  const workerUrl = /(?:startWorker\(|WORKER_URL = )new URL\("([^"]+\.ts)", import\.meta\.url\)/g;
  for await (const file of sources(`${root}/server`)) {
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(workerUrl)) {
      const url = new URL(m[1]!, `file://${file}`);
      started.add(url.pathname.slice(root.length + 1));
    }
  }
  assert.ok(started.size >= 2, `found only ${[...started]}`);
  assert.deepEqual([...started].sort(), [...WORKERS].sort());
  const args = compileArgs("out");
  for (const w of WORKERS) assert.ok(args.includes(w), w);
  assert.ok(args.includes("--unstable-net"));
});
