import assert from "node:assert/strict";
import { type Thd, ThdManager } from "../../server/thd/thd_manager.ts";

function thd(id: number, system = false): Thd {
  return { id, system };
}

Deno.test("THD manager: add, find, remove, list in id order", () => {
  const m = new ThdManager();
  const a = thd(m.nextThreadId());
  const b = thd(m.nextThreadId());
  m.add(b);
  m.add(a);
  assert.equal(m.find(a.id), a);
  assert.deepEqual(m.list().map((t) => t.id), [1, 2]);
  assert.equal(m.remove(a), true);
  assert.equal(m.remove(a), false);
  assert.equal(m.find(a.id), undefined);
  assert.equal(m.size, 1);
});

Deno.test("THD manager: a registered id cannot be added twice", () => {
  const m = new ThdManager();
  m.add(thd(7));
  assert.throws(() => m.add(thd(7)), /already registered/);
});

Deno.test("THD manager: system threads are not client connections", () => {
  const m = new ThdManager();
  m.add(thd(1));
  m.add(thd(2, true));
  assert.equal(m.size, 2);
  assert.equal(m.clientCount, 1);
  assert.equal(m.maxUsed, 1);
});

Deno.test("THD manager: removal of the last session wakes the drain waiter", async () => {
  const m = new ThdManager();
  const a = thd(1);
  const b = thd(2);
  m.add(a);
  m.add(b);
  const drained = m.waitForEmpty(5000);
  m.remove(a);
  m.remove(b);
  assert.equal(await drained, true);
  assert.equal(await m.waitForEmpty(10), true);
});

Deno.test("THD manager: waitForEmpty gives up after its timeout", async () => {
  const m = new ThdManager();
  m.add(thd(1));
  assert.equal(await m.waitForEmpty(20), false);
});

Deno.test("THD manager: forEach works on a snapshot", () => {
  const m = new ThdManager();
  for (let i = 1; i <= 3; i++) m.add(thd(i));
  const seen: number[] = [];
  m.forEach((t) => {
    seen.push(t.id);
    m.remove(t);
  });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(m.size, 0);
});
