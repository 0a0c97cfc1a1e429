/**
 * HandlerSocket threads and connections over their life on the real server: KILL of one
 * read-port thread closes only the connections it served while the port keeps working; KILL of
 * every read-port thread closes the port; an idle connection is closed after
 * handlersocket_timeout; a client that stops reading does not hold back the others of its
 * thread; the Hs_* counters; a second server on a HandlerSocket port in use.
 */

import assert from "node:assert/strict";
import type mysql from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { freePort, type ServerProcess, startServer } from "../helpers/server_process.ts";
import { waitUntil } from "../helpers/wait_until.ts";
import { HsClient } from "./_hs_client.ts";

type Row = Record<string, unknown>;

const OPEN = "P\t1\td\tt\tPRIMARY\tid,v";
/** A point find of row `id` on index 1. */
function find(id: number): string {
  return `1\t=\t1\t${id}`;
}
/** Row 3's value: about 200 bytes per answer to a find of it. */
const LONG = "x".repeat(190);

interface HsServer {
  srv: ServerProcess;
  sql: mysql.Connection;
  rd: number;
  wr: number;
}

/** A server with HandlerSocket on a read port and a write port, and table d.t with 3 rows. */
async function hsServer(threads: number, extra: string[] = []): Promise<HsServer> {
  const rd = freePort();
  const wr = freePort();
  const srv = await startServer({
    options: [
      "--plugin-load-add=handlersocket.so",
      `--loose-handlersocket-port=${rd}`,
      `--loose-handlersocket-port-wr=${wr}`,
      `--loose-handlersocket-threads=${threads}`,
      ...extra,
    ],
  });
  const sql = await connectMysql2(srv);
  sql.on("error", () => {});
  await sql.query("CREATE DATABASE d");
  await sql.query("CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(200))");
  await sql.query("INSERT INTO d.t VALUES (1, 'one'), (2, 'two'), (3, ?)", [LONG]);
  return { srv, sql, rd, wr };
}

/** SHOW GLOBAL STATUS `name` as a number. */
async function status(sql: mysql.Connection, name: string): Promise<number> {
  const [rows] = await sql.query("SHOW GLOBAL STATUS LIKE ?", [name]);
  const row = (rows as { Value: string }[])[0];
  assert.ok(row, `no status variable ${name}`);
  return Number(row.Value);
}

/** The read-port HandlerSocket threads in information_schema.PROCESSLIST: id → open conns. */
async function readThreads(sql: mysql.Connection): Promise<Map<number, number>> {
  const [rows] = await sql.query(
    "SELECT ID, STATE FROM information_schema.PROCESSLIST WHERE USER = 'system user' " +
      "AND COMMAND = 'Daemon' AND STATE LIKE 'handlersocket: mode=rd%' ORDER BY ID",
  );
  return new Map(
    (rows as { ID: number; STATE: string }[]).map((r) => {
      const m = /^handlersocket: mode=rd, (\d+) conns, [01] active$/.exec(r.STATE);
      assert.ok(m, `unexpected state: ${r.STATE}`);
      return [Number(r.ID), Number(m[1])];
    }),
  );
}

/** The Daemon rows of SHOW PROCESSLIST. */
async function daemons(sql: mysql.Connection): Promise<Row[]> {
  const [rows] = await sql.query("SHOW PROCESSLIST");
  return (rows as Row[]).filter((r) => r.Command === "Daemon" && r.User === "system user");
}

/** Send `line` and read its answer: null when the server has closed the connection. */
async function askOrClosed(c: HsClient, line: string): Promise<string | null> {
  try {
    await c.write(line + "\n");
    const a = await c.readLine();
    return a === null ? null : new TextDecoder().decode(a);
  } catch {
    return null; // reset by the peer: closed as well
  }
}

/** `work`'s result, or a failure after `ms` (a generous bound: timing goals live in benches). */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stop the server and check it ended cleanly (exit code 1 would mean leaked memory). */
async function stopCleanly(srv: ServerProcess): Promise<void> {
  assert.equal((await srv.stop()).code, 0, await srv.logText());
  assert.doesNotMatch(await srv.logText(), /\[ERROR\]/);
}

/** Open connections to `port`, each with index 1 open, until there are at least `min` and every
 * read-port thread serves at least one (the kernel spreads them, SO_REUSEPORT). */
async function spreadConnections(
  sql: mysql.Connection,
  port: number,
  min: number,
): Promise<HsClient[]> {
  const clients: HsClient[] = [];
  try {
    for (;;) {
      const c = await HsClient.connect(port);
      clients.push(c);
      assert.deepEqual(await c.ask(OPEN, find(1)), ["0\t1", "0\t2\t1\tone"]);
      if (clients.length < min) continue;
      const conns = [...(await readThreads(sql)).values()];
      if (conns.every((n) => n > 0)) return clients;
      assert.ok(clients.length < 64, `64 connections all went to one thread: ${conns}`);
    }
  } catch (error) {
    closeAll(clients);
    throw error;
  }
}

function closeAll(clients: HsClient[]): void {
  for (const c of clients) c[Symbol.dispose]();
}

Deno.test({
  name: "handlersocket lifecycle: KILL of one read thread closes its connections only",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd } = await hsServer(2);
  await using _srv = srv;
  const clients: HsClient[] = [];
  try {
    clients.push(...await spreadConnections(sql, rd, 12));
    const before = await readThreads(sql);
    assert.equal(before.size, 2);
    const [victim, survivor] = [...before.keys()] as [number, number];
    const served = before.get(victim)!;
    assert.equal(served + before.get(survivor)!, clients.length);
    assert.equal(await status(sql, "Hs_threads"), 3);

    await sql.query(`KILL ${victim}`);
    await waitUntil("the killed thread leaves the process list", async () => {
      return !(await daemons(sql)).some((r) => r.Id === victim);
    });
    assert.deepEqual([...(await readThreads(sql)).keys()], [survivor]);
    assert.equal((await daemons(sql)).length, 2); // the other read thread and the write thread
    assert.equal(await status(sql, "Hs_threads"), 2);

    // Exactly the connections the killed thread served are closed; the rest still answer.
    const answers = [];
    for (const c of clients) answers.push(await askOrClosed(c, find(2)));
    assert.equal(answers.filter((a) => a === null).length, served, answers.join("|"));
    assert.ok(answers.every((a) => a === null || a === "0\t2\t2\ttwo"), answers.join("|"));

    // New connections go to the remaining thread.
    for (let i = 0; i < 4; i++) {
      const c = await HsClient.connect(rd);
      clients.push(c);
      assert.deepEqual(await c.ask(OPEN, find(1)), ["0\t1", "0\t2\t1\tone"]);
    }
    const open = clients.length - served;
    assert.deepEqual([...(await readThreads(sql)).entries()], [[survivor, open]]);
    assert.equal(await status(sql, "Hs_connections_open"), open);
    // Hs_connections counts every accepted connection, the killed thread's too.
    assert.equal(await status(sql, "Hs_connections"), clients.length);
  } finally {
    closeAll(clients);
    await sql.end();
  }
  await stopCleanly(srv);
});

/** Start a find on `c` that waits for `locker`'s LOCK TABLES d.t WRITE; the waiting thread's id. */
async function findWaitingForLock(
  sql: mysql.Connection,
  locker: mysql.Connection,
  c: HsClient,
): Promise<number> {
  assert.deepEqual(await c.ask(OPEN), ["0\t1"]);
  await locker.query("LOCK TABLES d.t WRITE");
  await c.write(find(2) + "\n");
  let id = 0;
  await waitUntil("the find waits for the table lock", async () => {
    const busy = (await daemons(sql)).find((d) =>
      d.State === "handlersocket: mode=rd, 1 conns, 1 active"
    );
    id = Number(busy?.Id ?? 0);
    return busy !== undefined;
  });
  return id;
}

// BUG (hs_worker.ts, hs_thread.ts): a HandlerSocket session's lock wait cannot be killed (its
// session has no kill word) and blocks the worker's event loop, so KILL of a thread whose request
// waits for a table lock ends nothing: after two STEP_WAIT_MS (~4 s) the thread leaves
// PROCESSLIST and Hs_threads, yet its connection stays open, its listener still accepts
// connections on the port (they hang, then are reset), and the request is answered after UNLOCK
// TABLES. MySQL's KILL ends a lock wait at once and the killed thread's work with it.
Deno.test({
  name: "handlersocket lifecycle: KILL of a thread waiting for a table lock ends it at once",
  ignore: true,
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd } = await hsServer(1);
  await using _srv = srv;
  const locker = await connectMysql2(srv);
  using c = await HsClient.connect(rd);
  try {
    const id = await findWaitingForLock(sql, locker, c);
    await sql.query(`KILL ${id}`);
    // All while the lock is still held.
    const end = c.readLine().catch(() => null);
    assert.equal(await within(10_000, "the killed thread's connection closes", end), null);
    await waitUntil("the thread leaves the process list", async () => {
      return (await daemons(sql)).length === 0;
    });
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: rd }));
  } finally {
    await locker.query("UNLOCK TABLES").catch(() => {});
    await locker.end();
    await sql.end();
  }
});

// BUG (hs_service.ts #endThread): the counts of a thread that ends leave the sum when the KILL
// arrives and join the ended threads' only when its end is done, so SHOW GLOBAL STATUS
// Hs_connections and Hs_requests go down meanwhile and come back later. The dip is short (a SHOW
// STATUS right after a plain KILL sees it about 2 times in 3); a thread waiting for a lock makes
// it last seconds (see the test above). MySQL's cumulative counters never go down.
Deno.test({
  name: "handlersocket lifecycle: Hs_connections and Hs_requests do not go down at a KILL",
  ignore: true,
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd } = await hsServer(1);
  await using _srv = srv;
  const locker = await connectMysql2(srv);
  using c = await HsClient.connect(rd);
  try {
    const id = await findWaitingForLock(sql, locker, c);
    assert.equal(await status(sql, "Hs_connections"), 1);
    assert.equal(await status(sql, "Hs_requests"), 1);
    await sql.query(`KILL ${id}`);
    assert.equal(await status(sql, "Hs_connections"), 1);
    assert.ok(await status(sql, "Hs_requests") >= 1);
  } finally {
    await locker.query("UNLOCK TABLES").catch(() => {});
    await locker.end();
    await sql.end();
  }
});

Deno.test({
  name: "handlersocket lifecycle: KILL of every read thread closes the read port only",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd, wr } = await hsServer(2);
  await using _srv = srv;
  try {
    using r = await HsClient.connect(rd);
    using w = await HsClient.connect(wr);
    assert.deepEqual(await r.ask(OPEN, find(1)), ["0\t1", "0\t2\t1\tone"]);
    assert.deepEqual(await w.ask(OPEN, find(1)), ["0\t1", "0\t2\t1\tone"]);
    const ids = [...(await readThreads(sql)).keys()];
    assert.equal(ids.length, 2);
    for (const id of ids) await sql.query(`KILL ${id}`);
    await waitUntil("no read thread is left", async () => (await readThreads(sql)).size === 0);
    assert.equal(await r.readLine(), null);
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: rd }));
    const left = await daemons(sql);
    assert.deepEqual(left.map((d) => d.State), ["handlersocket: mode=wr, 1 conns, 0 active"]);
    assert.equal(await status(sql, "Hs_threads"), 1);
    // The write port still works, for the open connection and a new one.
    assert.deepEqual(await w.ask(find(2)), ["0\t2\t2\ttwo"]);
    using w2 = await HsClient.connect(wr);
    assert.deepEqual(await w2.ask(OPEN, "1\t+\t2\t4\tfour"), ["0\t1", "0\t1\t0"]);
    const [rows] = await sql.query("SELECT v FROM d.t WHERE id = 4");
    assert.deepEqual(rows, [{ v: "four" }]);
  } finally {
    await sql.end();
  }
  await stopCleanly(srv);
});

Deno.test({
  name: "handlersocket lifecycle: an idle connection is closed after handlersocket_timeout",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  // The original's minimum is 30 s, so 1 is adjusted to 30 with a warning, as MySQL adjusts an
  // out-of-range option; the test waits out the 30 s.
  const { srv, sql, rd } = await hsServer(1, ["--loose-handlersocket-timeout=1"]);
  await using _srv = srv;
  try {
    const [vars] = await sql.query("SHOW VARIABLES LIKE 'handlersocket_timeout'");
    assert.deepEqual(vars, [{ Variable_name: "handlersocket_timeout", Value: "30" }]);
    assert.match(await srv.logText(), /handlersocket_timeout'?: unsigned value 1 adjusted to 30/);
    using idle = await HsClient.connect(rd);
    using busy = await HsClient.connect(rd);
    assert.deepEqual(await idle.ask(OPEN), ["0\t1"]);
    const idleSince = Date.now();
    let closedAt = 0;
    const idleEnd = idle.readLine().then((line) => {
      closedAt = Date.now();
      return line;
    });
    // The busy connection sends a request about every 500 ms until the idle one is closed, so
    // for longer than the timeout.
    assert.deepEqual(await busy.ask(OPEN), ["0\t1"]);
    let asked = 0;
    while (closedAt === 0 && Date.now() - idleSince < 90_000) {
      assert.deepEqual(await busy.ask(find(asked % 3 + 1)), [
        ["0\t2\t1\tone", "0\t2\t2\ttwo", `0\t2\t3\t${LONG}`][asked % 3],
      ]);
      asked++;
      await sleep(500);
    }
    assert.equal(await within(1000, "the idle connection's end", idleEnd), null);
    // Closed by the timeout of 30 s, not of 1 s: a lower bound with a wide margin, which a slow
    // machine can only make safer.
    assert.ok(closedAt - idleSince >= 25_000, `closed after ${closedAt - idleSince} ms`);
    assert.deepEqual(await busy.ask(find(2)), ["0\t2\t2\ttwo"]);
    await waitUntil("one connection open", async () => {
      return await status(sql, "Hs_connections_open") === 1;
    });
    assert.equal(await status(sql, "Hs_connections"), 2);
  } finally {
    await sql.end();
  }
  await stopCleanly(srv);
});

/** Write `total` bytes of pipelined finds of row 3 in 64 KiB pieces, counting what was sent. */
async function flood(c: HsClient, total: number, sent: { bytes: number }): Promise<void> {
  const piece = find(3).concat("\n").repeat(65536 / 8);
  assert.equal(piece.length, 65536);
  const bytes = new TextEncoder().encode(piece);
  while (sent.bytes < total) {
    await c.write(bytes);
    sent.bytes += bytes.length;
  }
}

Deno.test({
  name: "handlersocket lifecycle: a client that stops reading does not hold back its thread",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd } = await hsServer(1);
  await using _srv = srv;
  const stuck = await HsClient.connect(rd);
  try {
    using early = await HsClient.connect(rd);
    assert.deepEqual(await early.ask(OPEN), ["0\t1"]);
    assert.deepEqual(await stuck.ask(OPEN), ["0\t1"]);
    // 16 MiB of finds, 2 Mi requests: their answers (~400 MiB) fill every socket buffer.
    const sent = { bytes: 0 };
    let flooding = true;
    const writing = flood(stuck, 16 * 1024 * 1024, sent).finally(() => (flooding = false));
    writing.catch(() => {}); // it ends with an error when the socket is closed below
    let last = -1;
    await waitUntil("the server stops answering the client that does not read", async () => {
      const now = await status(sql, "Hs_requests");
      const still = now === last && now > 1000;
      last = now;
      await sleep(300);
      return still;
    }, 60_000);
    assert.ok(flooding, `the whole flood was read: ${sent.bytes} bytes`);

    // Its thread still answers the others, new and old, and SQL works.
    using late = await HsClient.connect(rd);
    const bound = 10_000;
    assert.deepEqual(await within(bound, "late", late.ask(OPEN, find(1))), [
      "0\t1",
      "0\t2\t1\tone",
    ]);
    assert.deepEqual(await within(bound, "early", early.ask(find(2))), ["0\t2\t2\ttwo"]);
    const [rows] = await within(bound, "SQL", sql.query("SELECT v FROM d.t WHERE id = 2"));
    assert.deepEqual(rows, [{ v: "two" }]);
    assert.ok(flooding, "the flood ended while the others were answered");
    assert.equal(await status(sql, "Hs_connections_open"), 3);

    stuck[Symbol.dispose]();
    await assert.rejects(writing);
    await waitUntil("the stuck connection is closed on the server", async () => {
      return await status(sql, "Hs_connections_open") === 2;
    });
    assert.deepEqual(await early.ask(find(1)), ["0\t2\t1\tone"]);
    assert.deepEqual([...(await readThreads(sql)).values()], [2]);
  } finally {
    stuck[Symbol.dispose]();
    await sql.end();
  }
  await stopCleanly(srv);
});

Deno.test({
  name: "handlersocket lifecycle: Hs_connections, Hs_connections_open, Hs_requests",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd, wr } = await hsServer(2);
  await using _srv = srv;
  try {
    for (const name of ["Hs_connections", "Hs_connections_open", "Hs_requests"]) {
      assert.equal(await status(sql, name), 0, name);
    }
    using a = await HsClient.connect(rd);
    using b = await HsClient.connect(rd);
    using c = await HsClient.connect(wr);
    assert.deepEqual(await a.ask(OPEN, find(1), find(2), find(9)), [
      "0\t1",
      "0\t2\t1\tone",
      "0\t2\t2\ttwo",
      "0\t2",
    ]);
    assert.deepEqual(await b.ask(OPEN, "9\t=\t1\t1"), ["0\t1", "2\t1\tstmtnum"]);
    // Ten pipelined finds in one write: ten requests.
    await c.write(OPEN + "\n" + (find(1) + "\n").repeat(10));
    for (let i = 0; i < 11; i++) assert.notEqual(await c.readLine(), null);
    assert.equal(await status(sql, "Hs_connections"), 3);
    assert.equal(await status(sql, "Hs_connections_open"), 3);
    assert.equal(await status(sql, "Hs_requests"), 4 + 2 + 11);
    assert.equal(await status(sql, "Hs_request_errors"), 1);

    a[Symbol.dispose]();
    b[Symbol.dispose]();
    await waitUntil("two connections closed", async () => {
      return await status(sql, "Hs_connections_open") === 1;
    });
    assert.equal(await status(sql, "Hs_connections"), 3);
    assert.deepEqual(await c.ask(find(3)), [`0\t2\t3\t${LONG}`]);
    assert.equal(await status(sql, "Hs_requests"), 18);
  } finally {
    await sql.end();
  }
  await stopCleanly(srv);
});

Deno.test({
  name: "handlersocket lifecycle: a second server on a HandlerSocket port in use does not start",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd } = await hsServer(2);
  await using _srv = srv;
  try {
    // mydeno refuses to start (MariaDB would start without the plugin's listener).
    const failed = await startServer({
      options: ["--plugin-load-add=handlersocket.so", `--loose-handlersocket-port=${rd}`],
    }).then(
      async (second) => {
        await second[Symbol.asyncDispose]();
        return null;
      },
      (error: Error) => error.message,
    );
    assert.ok(failed !== null, "the second server started");
    assert.match(failed, /exited with code 1 before ready/);
    assert.match(failed, /\[ERROR\] Aborting: Address already in use/);
    // The first server's port was not disturbed.
    using c = await HsClient.connect(rd);
    assert.deepEqual(await c.ask(OPEN, find(2)), ["0\t1", "0\t2\t2\ttwo"]);
    assert.equal((await readThreads(sql)).size, 2);
  } finally {
    await sql.end();
  }
  await stopCleanly(srv);
});
