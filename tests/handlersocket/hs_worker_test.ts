/**
 * A HandlerSocket worker thread behind its rings, without sockets (hs_service.ts
 * `HsWorkerThread` and hs_worker.ts): batches of several connections that arrive together are
 * answered each to its own connection, in order, and a write answered on one thread is seen by
 * the next batch on another.
 */

import assert from "node:assert/strict";
import { initializeStore, openEngine } from "../../server/sql/engine.ts";
import { createLockTableBuffer } from "../../server/locks/mod.ts";
import { storePathOf } from "../../server/datadir.ts";
import { HsIn, withConn } from "../../server/handlersocket/hs_messages.ts";
import { HsWorkerThread } from "../../server/handlersocket/hs_service.ts";
import { fakeLink, rootIdentity } from "../sql/_engine_fixture.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function datadir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "mydeno-hs-worker-" });
  const path = storePathOf(dir);
  initializeStore(path);
  const engine = openEngine({ path, serverVersion: "8.0.36-test" });
  const s = engine.openSession(rootIdentity(), fakeLink(), () => new Map());
  await s.execute("CREATE DATABASE d");
  await s.execute("CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(10))");
  await s.execute("INSERT INTO d.t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  s.close();
  engine.close();
  return dir;
}

/** Send `lines` of connection `conn`; the answer lines as text. */
async function ask(t: HsWorkerThread, conn: number, ...lines: string[]): Promise<string[]> {
  const answer = dec.decode(await t.request(conn, lines.map((l) => enc.encode(l))));
  return answer.split("\n").slice(0, -1);
}

Deno.test("handlersocket worker: batches of several connections are answered each in order", async () => {
  const dir = await datadir();
  const shared = {
    t: "start" as const,
    datadir: dir,
    catalogEpoch: new SharedArrayBuffer(4),
    lockTable: createLockTableBuffer(),
    globals: [],
  };
  // The pump's Atomics.waitAsync does not keep the event loop alive; the server's listeners do.
  const alive = setInterval(() => {}, 1000);
  const rd = new HsWorkerThread(1, false, () => {});
  const wr = new HsWorkerThread(2, true, () => {});
  try {
    assert.equal(await rd.start({ ...shared, threadId: 1 }), null);
    assert.equal(await wr.start({ ...shared, threadId: 2 }), null);
    for (const c of [1, 2, 3]) void rd.send(HsIn.OPEN, 0, withConn(c, new Uint8Array(0)));
    void wr.send(HsIn.OPEN, 1, withConn(9, new Uint8Array(0)));
    const open = "P\t1\td\tt\tPRIMARY\tid,v";
    // Sent together, so the worker finds them in its ring together.
    const answers = await Promise.all([
      ask(rd, 1, open, "1\t=\t1\t1", "1\t=\t1\t2"),
      ask(rd, 2, open, "1\t=\t1\t3"),
      ask(rd, 3, open, "1\t=\t1\t4", "1\t>=\t1\t2\t5", "1\t=\t1\t1"),
      ask(wr, 9, open),
    ]);
    assert.deepEqual(answers, [
      ["0\t1", "0\t2\t1\tone", "0\t2\t2\ttwo"],
      ["0\t1", "0\t2\t3\tthree"],
      ["0\t1", "0\t2", "0\t2\t2\ttwo\t3\tthree", "0\t2\t1\tone"],
      ["0\t1"],
    ]);
    assert.deepEqual(await ask(wr, 9, "1\t+\t2\t4\tfour", "1\t=\t1\t1\t1\t0\tU\t1\tuno"), [
      "0\t1\t0",
      "0\t1\t1",
    ]);
    const again = await Promise.all([
      ask(rd, 1, "1\t=\t1\t4", "1\t=\t1\t1"),
      ask(rd, 2, "1\t=\t1\t1"),
      ask(rd, 7, "1\t=\t1\t1"),
    ]);
    assert.deepEqual(again, [["0\t2\t4\tfour", "0\t2\t1\tuno"], ["0\t2\t1\tuno"], ["1\t1\tconn"]]);
  } finally {
    clearInterval(alive);
    await rd.stop();
    await wr.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
