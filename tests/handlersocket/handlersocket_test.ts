/**
 * HandlerSocket on the real server: both ports, auth, pipelining, every byte value, NULL,
 * bad input, rows written through one protocol read back through the other, the worker
 * threads in the process list, and a clean shutdown with HandlerSocket connections open.
 */

import assert from "node:assert/strict";
import { HsClient } from "./_hs_client.ts";
import { startHsServer } from "./_hs_server.ts";
import { decodeTokens, encodeResponse } from "../../protocol/handlersocket.ts";

async function hsServer() {
  const hs = await startHsServer(2, ["--loose-handlersocket-plain-secret-wr=wrsecret"]);
  await hs.sql.query("CREATE DATABASE d");
  await hs.sql.query(
    "CREATE TABLE d.t (id INT AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20), " +
      "b VARBINARY(300), KEY kk (k))",
  );
  return hs;
}

Deno.test({
  name: "handlersocket: reads and writes over both ports match SQL",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd, wr } = await hsServer();
  await using _srv = srv;
  try {
    await sql.query("INSERT INTO d.t (k, v) VALUES (1, 'a'), (2, 'b'), (2, 'c')");
    using w = await HsClient.connect(wr);
    assert.deepEqual(
      await w.ask(
        "P\t1\td\tt\tPRIMARY\tid,k,v",
        "A\t1\twrong",
        "A\t1\twrsecret",
        "P\t1\td\tt\tPRIMARY\tid,k,v",
        "1\t+\t3\t0\t7\tfrom hs",
        "1\t+\t3\t\x00\t8\t\x00",
        "1\t=\t1\t5\t1\t0\tU\t5\t80\tchanged",
        "1\t+\t3\t1\t9\tdup",
      ),
      [
        "3\t1\tunauth",
        "3\t1\tunauth",
        "0\t1",
        "0\t1",
        "0\t1\t4",
        "0\t1\t5",
        "0\t1\t1",
        "1\t1\t121",
      ],
    );
    const [rows] = await sql.query("SELECT id, k, v FROM d.t WHERE id >= 4 ORDER BY id");
    assert.deepEqual(rows, [{ id: 4, k: 7, v: "from hs" }, { id: 5, k: 80, v: "changed" }]);
    // Written through SQL, read through the read port (no secret there).
    await sql.query("UPDATE d.t SET v = NULL WHERE id = 2");
    using r = await HsClient.connect(rd);
    assert.deepEqual(
      await r.ask(
        "P\t2\td\tt\tkk\tid,k,v",
        "2\t=\t1\t2\t10\t0",
        "2\t+\t2\t1\t2",
        "2\t>\t1\t1\t2\t1",
      ),
      ["0\t1", "0\t3\t2\t2\t\x00\t3\t2\tc", "2\t1\treadonly", "0\t3\t3\t2\tc\t4\t7\tfrom hs"],
    );
    const [status] = await sql.query("SHOW GLOBAL STATUS LIKE 'Hs_requests'");
    assert.ok(Number((status as { Value: string }[])[0]!.Value) >= 12);
  } finally {
    await sql.end();
  }
});

Deno.test({
  name: "handlersocket: pipelined requests are answered in order; all 256 byte values survive",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, wr } = await hsServer();
  await using _srv = srv;
  try {
    using w = await HsClient.connect(wr);
    const all = new Uint8Array(256).map((_v, i) => i);
    // The value escaped as a response token is exactly what a request carries.
    const encoded = encodeResponse(0, 1, [all]).subarray(4);
    const insert = new Uint8Array([
      ...new TextEncoder().encode("A\t1\twrsecret\nP\t3\td\tt\tPRIMARY\tid,k,b\n3\t+\t3\t100\t1\t"),
      ...encoded,
    ]);
    const pipeline = Array.from({ length: 50 }, (_v, i) => `3\t+\t3\t${200 + i}\t${i}\t\n`).join(
      "",
    );
    await w.write(insert);
    await w.write(pipeline + "3\t=\t1\t100\n");
    const answers: string[] = [];
    for (let i = 0; i < 53; i++) answers.push(new TextDecoder().decode((await w.readLine())!));
    assert.deepEqual(answers.slice(0, 3), ["0\t1", "0\t1", "0\t1\t0"]);
    assert.ok(answers.slice(3, 53).every((a) => a === "0\t1\t0"), answers.join("|"));
    const found = await w.readLine();
    assert.deepEqual(decodeTokens(found!), [
      new TextEncoder().encode("0"),
      new TextEncoder().encode("3"),
      new TextEncoder().encode("100"),
      new TextEncoder().encode("1"),
      all,
    ]);
    const [rows] = await sql.query(
      "SELECT b, (SELECT count(*) FROM d.t) n FROM d.t WHERE id = 100",
    );
    const row = (rows as { b: Uint8Array; n: number }[])[0]!;
    assert.deepEqual(new Uint8Array(row.b), all);
    assert.equal(row.n, 51);
  } finally {
    await sql.end();
  }
});

Deno.test({
  name: "handlersocket: bad input gets error lines or a closed connection, nothing else breaks",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd } = await hsServer();
  await using _srv = srv;
  try {
    using a = await HsClient.connect(rd);
    assert.deepEqual(
      await a.ask("", "Z\t1", "P", "9\t=\t1\t1", "P\t1\td\tt\tPRIMARY\tid", "1\t?\t1\t1", "1\t="),
      [
        "2\t1\tcmd",
        "2\t1\tcmd",
        "1\t1\topen_table",
        "2\t1\tstmtnum",
        "0\t1",
        "2\t1\top",
        "2\t1\tklen",
      ],
    );
    // Binary junk: every byte value in one line still gets one answer.
    await a.write(
      new Uint8Array([
        ...new Uint8Array(255).map((_v, i) => (i === 9 ? 0x20 : i + 1)).filter((b) => b !== 0x0a),
        0x0a,
      ]),
    );
    assert.notEqual(await a.readLine(), null);
    // An overlong line (no LF within the limit) closes that connection only.
    using b = await HsClient.connect(rd);
    await b.write("x".repeat(17 * 1024 * 1024)).catch(() => {});
    assert.equal(await b.readLine().catch(() => null), null);
    assert.deepEqual(await a.ask("1\t=\t1\t1"), ["0\t1"]);
    const [rows] = await sql.query("SELECT 1 AS one");
    assert.deepEqual(rows, [{ one: 1 }]);
  } finally {
    await sql.end();
  }
});

Deno.test({
  name: "handlersocket: worker threads are system sessions; shutdown with connections open",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd, wr } = await hsServer();
  await using _srv = srv;
  const [list] = await sql.query("SHOW PROCESSLIST");
  const daemons = (list as { Command: string; State: string }[]).filter((r) =>
    r.Command === "Daemon"
  );
  assert.deepEqual(daemons.map((r) => r.State), [
    "handlersocket: mode=rd, 0 conns, 0 active",
    "handlersocket: mode=rd, 0 conns, 0 active",
    "handlersocket: mode=wr, 0 conns, 0 active",
  ]);
  const [connected] = await sql.query("SHOW STATUS LIKE 'Threads_connected'");
  assert.equal((connected as { Value: string }[])[0]!.Value, "1");
  await sql.end();
  using r = await HsClient.connect(rd);
  using w = await HsClient.connect(wr);
  assert.deepEqual(await r.ask("P\t1\td\tt\tPRIMARY\tid"), ["0\t1"]);
  assert.deepEqual(await w.ask("A\t1\twrsecret"), ["0\t1"]);
  const status = await srv.stop("SIGTERM");
  assert.equal(status.code, 0);
  assert.equal(await r.readLine(), null);
  assert.equal(await w.readLine(), null);
  const log = await srv.logText();
  assert.match(log, /Shutdown complete/);
  assert.doesNotMatch(log, /\[ERROR\]/);
});
