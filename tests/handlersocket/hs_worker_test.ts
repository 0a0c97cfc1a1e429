/**
 * HandlerSocket's worker threads without the rest of the server (hs_service.ts, hs_thread.ts,
 * hs_worker.ts): several workers share a port through SO_REUSEPORT and each serves the
 * connections it accepts, pipelined lines split across writes are answered in order, a write
 * answered by one thread is seen by the next read on another, the counters add up, a second
 * service cannot take a port in use, and at the end every connection is closed before its
 * thread leaves the registry, which it does before it is destroyed.
 */

import assert from "node:assert/strict";
import { initializeStore, openEngine } from "../../server/sql/engine.ts";
import { createLockTableBuffer } from "../../server/locks/mod.ts";
import { storePathOf } from "../../server/datadir.ts";
import { HsService, type HsServiceOptions } from "../../server/handlersocket/hs_service.ts";
import type { HsWorkerThread } from "../../server/handlersocket/hs_thread.ts";
import { fakeLink, rootIdentity } from "../sql/_engine_fixture.ts";
import { HsClient } from "./_hs_client.ts";

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

/** A THD registry that records what the service does with it. */
function fakeRegistry() {
  let next = 100;
  const live = new Set<HsWorkerThread>();
  const removed: { id: number; connsAtRemoval: number }[] = [];
  return {
    live,
    removed,
    lockTable: createLockTableBuffer(),
    nextConnectionId: () => next++,
    addSystem: (t: HsWorkerThread) => void live.add(t),
    removeSystem: (t: HsWorkerThread) => {
      live.delete(t);
      removed.push({ id: t.id, connsAtRemoval: t.conns });
    },
  };
}

function options(dir: string, registry: ReturnType<typeof fakeRegistry>): HsServiceOptions {
  return {
    datadir: dir,
    catalogEpoch: new SharedArrayBuffer(4),
    globals: new Map(),
    registry,
    address: "127.0.0.1",
    port: 0,
    portWr: 0,
    threads: 3,
    threadsWr: 1,
    secret: "",
    secretWr: "",
    timeoutSeconds: 0,
    maxLine: 4096,
  };
}

const OPEN = "P\t1\td\tt\tPRIMARY\tid,v";

Deno.test("handlersocket workers: a shared port, pipelined answers in order, counters, teardown order", async () => {
  const dir = await datadir();
  const registry = fakeRegistry();
  const service = await HsService.start(options(dir, registry));
  try {
    const { rd, wr } = service.ports;
    assert.ok(rd > 0 && wr > 0 && rd !== wr);
    assert.equal(registry.live.size, 4);
    // Another service cannot share a port in use (EADDRINUSE): it runs without that listener,
    // as MariaDB's plugin does, and says why.
    const other = await HsService.start({
      ...options(dir, fakeRegistry()),
      port: rd,
      portWr: null,
    });
    assert.deepEqual(other.ports, { rd: 0, wr: 0 });
    assert.equal(other.portErrors.length, 1);
    assert.match(
      other.portErrors[0]!,
      new RegExp(`^cannot listen on port ${rd} \\(read\\): .*in use`, "i"),
    );
    await other.close();

    // Eight connections: the kernel spreads them over the three read threads.
    const clients = await Promise.all(Array.from({ length: 8 }, () => HsClient.connect(rd)));
    for (const c of clients) assert.deepEqual(await c.ask(OPEN), ["0\t1"]);
    const threads = [...registry.live].filter((t) => !t.writable);
    assert.equal(threads.reduce((n, t) => n + t.conns, 0), 8);

    // Pipelined lines, split in the middle of a line and of a CR LF, answered in order.
    const c0 = clients[0]!;
    await c0.write("1\t=\t1\t1\n1\t>=\t1\t2\t5\n1\t=");
    await c0.write("\t1\t3\r");
    await c0.write("\n1\t=\t1\t9\n");
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(new TextDecoder().decode((await c0.readLine())!));
    assert.deepEqual(got, ["0\t2\t1\tone", "0\t2\t2\ttwo\t3\tthree", "0\t2\t3\tthree", "0\t2"]);

    // A write on the write port is seen by every read thread's next find.
    using w = await HsClient.connect(wr);
    assert.deepEqual(await w.ask(OPEN, "1\t+\t2\t4\tfour", "1\t=\t1\t1\t1\t0\tU\t1\tuno"), [
      "0\t1",
      "0\t1\t0",
      "0\t1\t1",
    ]);
    for (const c of clients) {
      assert.deepEqual(await c.ask("1\t=\t1\t4", "1\t=\t1\t1"), ["0\t2\t4\tfour", "0\t2\t1\tuno"]);
    }

    const status = new Map(service.status());
    assert.equal(status.get("Hs_connections"), 9);
    assert.equal(status.get("Hs_connections_open"), 9);
    // 9 opens, 4 + 2 + 16 finds, 2 writes.
    assert.equal(status.get("Hs_requests"), 9 + 4 + 2 + 16);
    assert.equal(status.get("Hs_request_errors"), 0);
    assert.equal(status.get("Hs_threads"), 4);
    assert.match(threads[0]!.processInfo(Date.now()).state, /^handlersocket: mode=rd, \d+ conns/);

    // Closing with every connection open: each is closed before its thread leaves the registry.
    await service.close();
    for (const c of [...clients, w]) assert.equal(await c.readLine(), null);
    for (const c of clients) c[Symbol.dispose]();
    assert.equal(registry.live.size, 0);
    assert.deepEqual(registry.removed.map((r) => r.connsAtRemoval), [0, 0, 0, 0]);
    await assert.rejects(HsClient.connect(rd));
  } finally {
    await service.close();
    await Deno.remove(dir, { recursive: true });
  }
});
