/** The shared lock table alone: two owners on one buffer, timeouts, priority and deadlocks. */

import assert from "node:assert/strict";
import { createLockTableBuffer, LockTable, MdlMode } from "../../server/locks/mod.ts";
import { errorCode } from "../helpers/error_code.ts";

type Reply = { ok: true; value: unknown } | { ok: false; code: number; message: string };

/** A lock owner in a worker thread: each call resolves when the worker answers. */
class RemoteOwner implements AsyncDisposable {
  #worker = new Worker(new URL("./_owner_worker.ts", import.meta.url), { type: "module" });
  #queue: ((r: Reply) => void)[] = [];

  constructor() {
    this.#worker.onmessage = (e: MessageEvent<Reply>) => this.#queue.shift()!(e.data);
  }

  call(message: Record<string, unknown>): Promise<Reply> {
    return new Promise((resolve) => {
      this.#queue.push(resolve);
      this.#worker.postMessage(message);
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.call({ t: "release_all" });
    this.#worker.terminate();
  }
}

function settled(p: Promise<unknown>): Promise<boolean> {
  return Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(r, 0, false))]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("shared modes share; X waits for them and times out with 1205", () => {
  const table = new LockTable(createLockTableBuffer({ owners: 8 }));
  const a = table.attach(1);
  const b = table.attach(2);
  const t1 = table.slotOf("db", "t1");
  a.acquireMdl(t1, MdlMode.S, 1);
  b.acquireMdl(t1, MdlMode.SW, 1);
  assert.equal(errorCode(() => b.acquireMdl(t1, MdlMode.X, 0.05)), 1205);
  // LOCK TABLES READ (SNR) lets readers in and keeps writers out.
  a.releaseMdl([]);
  assert.equal(errorCode(() => a.acquireMdl(t1, MdlMode.SNR, 0.05)), 1205);
  b.releaseAll();
  a.acquireMdl(t1, MdlMode.SNR, 0.05);
  b.acquireMdl(t1, MdlMode.S, 0.05);
  assert.equal(errorCode(() => b.acquireMdl(t1, MdlMode.SW, 0.05)), 1205);
  a.detach();
  b.acquireMdl(t1, MdlMode.X, 0.05);
  b.detach();
});

Deno.test("user locks: recursion, owner, RELEASE_LOCK values, RELEASE_ALL_LOCKS", () => {
  const table = new LockTable(createLockTableBuffer({ owners: 8 }));
  const a = table.attach(11);
  const b = table.attach(12);
  assert.equal(a.getLock("L", 0), 1);
  assert.equal(a.getLock("l", 0), 1, "names are case-insensitive; a session may re-take it");
  assert.equal(a.isUsedLock("L"), 11);
  assert.equal(b.isFreeLock("L"), 0);
  assert.equal(b.getLock("L", 0.05), 0);
  assert.equal(b.releaseLock("L"), 0);
  assert.equal(b.releaseLock("nobody"), null);
  assert.equal(a.releaseLock("L"), 1);
  assert.equal(a.isUsedLock("L"), 11, "still held once");
  assert.equal(a.getLock("M", 0), 1);
  assert.equal(a.releaseAllLocks(), 2);
  assert.equal(b.isFreeLock("L"), 1);
  assert.equal(b.isUsedLock("L"), null);
  assert.equal(errorCode(() => b.getLock("", 0)), 3057);
  assert.equal(errorCode(() => b.getLock("x".repeat(65), 0)), 3057);
  a.detach();
  b.detach();
});

Deno.test("the main thread releases a dead owner's locks by connection id", () => {
  const buffer = createLockTableBuffer({ owners: 4 });
  const table = new LockTable(buffer);
  const dead = table.attach(21);
  dead.acquireMdl(table.slotOf("d", "t"), MdlMode.X, 0);
  dead.getLock("g", 0);
  const main = new LockTable(buffer);
  assert.equal(main.releaseConnection(21), 2);
  const other = table.attach(22);
  other.acquireMdl(table.slotOf("d", "t"), MdlMode.X, 0);
  assert.equal(other.getLock("g", 0), 1);
  other.detach();
});

Deno.test("a pending X blocks new readers; granted after the holder leaves", async () => {
  const buffer = createLockTableBuffer({ owners: 8 });
  const table = new LockTable(buffer);
  const reader = table.attach(31);
  const slot = table.slotOf("d", "t");
  reader.acquireMdl(slot, MdlMode.S, 0);
  await using ddl = new RemoteOwner();
  await ddl.call({ t: "attach", buffer, connectionId: 32 });
  const x = ddl.call({ t: "mdl", slot, mode: MdlMode.X, timeout: 10 });
  await sleep(50);
  assert.equal(await settled(x), false, "X waits for the reader");
  const late = table.attach(33);
  assert.equal(errorCode(() => late.acquireMdl(slot, MdlMode.S, 0.05)), 1205, "pending X first");
  reader.detach();
  assert.deepEqual(await x, { ok: true, value: null });
  late.detach();
});

Deno.test("a waits-for cycle across MDL and a user lock: the waiter that closes it gets 1213", async () => {
  const buffer = createLockTableBuffer({ owners: 8 });
  const table = new LockTable(buffer);
  const a = table.attach(41);
  const slot = table.slotOf("d", "t");
  await using b = new RemoteOwner();
  await b.call({ t: "attach", buffer, connectionId: 42 });
  // b holds S on t (its open transaction); a holds user lock g.
  assert.deepEqual(await b.call({ t: "mdl", slot, mode: MdlMode.S, timeout: 0 }), {
    ok: true,
    value: null,
  });
  assert.equal(a.getLock("g", 0), 1);
  // b waits for g; a then asks for X on t: a waits for b, b for a.
  const bWaits = b.call({ t: "get_lock", name: "g", timeout: 10 });
  await sleep(50);
  const started = performance.now();
  assert.equal(errorCode(() => a.acquireMdl(slot, MdlMode.X, 10)), 1213);
  assert.ok(performance.now() - started < 1000, "detected at once, not at the timeout");
  a.detach();
  assert.deepEqual(await bWaits, { ok: true, value: 1 });
});

Deno.test("two sessions waiting for each other's user lock: 3058", async () => {
  const buffer = createLockTableBuffer({ owners: 8 });
  const table = new LockTable(buffer);
  const a = table.attach(51);
  await using b = new RemoteOwner();
  await b.call({ t: "attach", buffer, connectionId: 52 });
  assert.equal(a.getLock("one", 0), 1);
  assert.deepEqual(await b.call({ t: "get_lock", name: "two", timeout: 0 }), {
    ok: true,
    value: 1,
  });
  const bWaits = b.call({ t: "get_lock", name: "one", timeout: 10 });
  await sleep(50);
  assert.equal(errorCode(() => a.getLock("two", 10)), 3058);
  a.releaseAllLocks();
  assert.deepEqual(await bWaits, { ok: true, value: 1 });
  a.detach();
});
