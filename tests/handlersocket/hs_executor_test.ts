import assert from "node:assert/strict";
import { EngineFixture } from "../sql/_engine_fixture.ts";
import { HsExecutor } from "../../server/handlersocket/hs_executor.ts";
import { valueToken } from "../../server/handlersocket/hs_response.ts";
import type { SqlValue } from "../../server/sql/types.ts";
import { encodeResponse, HsResponseWriter } from "../../protocol/handlersocket.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Send `lines` (\t-separated text) through an executor; answers as text. */
async function talk(ex: HsExecutor, ...lines: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const l of lines) out.push(dec.decode(await ex.handle(enc.encode(l))).replace(/\n$/, ""));
  return out;
}

function fixture(): EngineFixture {
  return new EngineFixture();
}

async function load(f: EngineFixture) {
  await f.run(
    "CREATE DATABASE d",
    "CREATE TABLE d.t (id INT AUTO_INCREMENT PRIMARY KEY, k INT, v VARCHAR(20), b VARBINARY(300), KEY kk (k))",
    "INSERT INTO d.t (k, v) VALUES (1, 'a'), (2, 'b'), (2, 'c'), (3, NULL)",
  );
}

Deno.test("handlersocket executor: read port answers as the original", async () => {
  using f = fixture();
  await load(f);
  const ex = new HsExecutor(f.open(), { writable: false, secret: "rds" });
  assert.deepEqual(
    await talk(
      ex,
      "P\t1\td\tt\tPRIMARY\tid,k,v",
      "A\t2\trds",
      "A\t1\tbad",
      "A\t1\trds",
      "P\t1\td\tt\tPRIMARY\tid,k,v",
      "1\t=\t1\t1",
      "1\t>=\t1\t1\t10\t0",
      "1\t=\t1\t99",
      "2\t=\t1\t1",
      "P\t2\td\tnosuch\tPRIMARY\tid",
      "P\t3\tnosuch\tt\tPRIMARY\tid",
      "P\t4\td\tt\tnoidx\tid",
      "P\t5\td\tt\tPRIMARY\tid,nocol",
      "1\t=\t2\t1\t2\t3",
      "1\t!\t1\t1",
      "1\t+\t1\t5",
      "X",
      "",
      "1\t=\t1\t1\t1\t0\tU\t1\t2\t3",
      "1\t=",
      "1\t=\tx\t1",
      "P\t6\td\tt\tkk\tid,k,v\tv",
      "6\t=\t1\t2\t10\t0",
      "6\t=\t1\t2\t10\t0\tF\t=\t0\tc",
      "6\t>=\t1\t1\t10\t0\tW\t<\t0\tb",
      "6\t=\t1\t2\t10\t0\t@\t0\t2\t1\t3",
      "6\t=\t1\t2\t10\t0\tF\t=\t5\tc",
      "6\t<=\t1\t2\t10\t0",
      "1\t=\t1\t4",
    ),
    [
      "3\t1\tunauth",
      "3\t1\tauthtype",
      "3\t1\tunauth",
      "0\t1",
      "0\t1",
      "0\t3\t1\t1\ta",
      "0\t3\t1\t1\ta\t2\t2\tb\t3\t2\tc\t4\t3\t\x00",
      "0\t3",
      "2\t1\tstmtnum",
      "1\t1\topen_table",
      "1\t1\topen_table",
      "2\t1\tidxnum",
      "2\t1\tfld",
      "2\t1\tkpnum",
      "2\t1\top",
      "2\t1\treadonly",
      "2\t1\tcmd",
      "2\t1\tcmd",
      "2\t1\treadonly",
      "2\t1\tklen",
      "2\t1\tklen",
      "0\t1",
      "0\t3\t2\t2\tb\t3\t2\tc",
      "0\t3\t3\t2\tc",
      "0\t3\t1\t1\ta",
      "0\t3\t1\t1\ta\t4\t3\t\x00",
      "2\t1\tfilterfld",
      "0\t3\t3\t2\tc\t2\t2\tb\t1\t1\ta",
      "0\t3\t4\t3\t\x00",
    ],
  );
  ex.close();
});

Deno.test("handlersocket executor: write port inserts, updates, deletes as SQL sees them", async () => {
  using f = fixture();
  await load(f);
  const ex = new HsExecutor(f.open(), { writable: true, secret: "" });
  assert.deepEqual(
    await talk(
      ex,
      "P\t1\td\tt\tPRIMARY\tid,k,v",
      "1\t+\t2\t10\tx",
      "1\t+\t3\t0\t11\ty",
      "1\t+\t3\t1\t11\ty",
      "1\t+\t3\t50\t12\tz",
      "1\t+\t3\t\x00\t13\tw",
      "1\t=\t1\t50\t1\t0\tU\t50\t120\tzz",
      "1\t=\t1\t50\t1\t0\tU?\t50\t121\tzy",
      "1\t=\t1\t50",
      "1\t=\t1\t50\t1\t0\t+\t0\t5",
      "1\t=\t1\t50",
      "1\t=\t1\t50\t1\t0\t-\t0\t200",
      "1\t=\t1\t50",
      "1\t=\t1\t50\t1\t0\tQ\t0\t1",
      "1\t=\t1\t50\t1\t0\tD?",
      "1\t=\t1\t50\t1\t0\tD",
      "1\t>\t1\t100\t10\t0\tD",
    ),
    [
      "0\t1",
      // Strict sql_mode, as SQL: 'x' is not an INT (MariaDB's plugin stores 0).
      "1\t1\t1366",
      "0\t1\t5",
      "1\t1\t121",
      "0\t1\t0",
      "0\t1\t51",
      "0\t1\t1",
      "0\t3\t50\t120\tzz",
      "0\t3\t50\t121\tzy",
      "0\t1\t1",
      "0\t3\t50\t126\tzy",
      "0\t1\t0",
      "0\t3\t50\t126\tzy",
      "2\t1\tmodop",
      "0\t3\t50\t126\tzy",
      "0\t1\t0",
      "0\t1\t0",
    ],
  );
  assert.deepEqual(await f.rows("SELECT id, k, v FROM d.t WHERE id > 4 ORDER BY id"), [
    [5, 11, "y"],
    [51, 13, "w"],
  ]);
  ex.close();
});

/** The answers of `lines` sent as one pipelined batch through `answer` (the worker's path). */
async function batch(ex: HsExecutor, lines: Uint8Array[]): Promise<Uint8Array> {
  const out = new HsResponseWriter(16);
  let length = 4;
  for (const l of lines) length += l.length + 1;
  const body = new Uint8Array(length);
  let at = 4;
  for (const l of lines) {
    body.set(l, at);
    body[at + l.length] = 0x0a;
    at += l.length + 1;
  }
  out.reset(4);
  const waiting = ex.answer(body, 4, out);
  if (waiting) await waiting;
  return out.bytes().slice(4);
}

/** A line of tokens; strings are UTF-8, `null` is NULL, bytes are escaped as the protocol says. */
function line(...tokens: (string | Uint8Array | null)[]): Uint8Array {
  const raw = tokens.map((t) => t === null ? null : typeof t === "string" ? enc.encode(t) : t);
  return encodeResponse(0, 0, raw).subarray(4, -1);
}

Deno.test("handlersocket executor: pipelined point finds answer byte for byte as single requests", async () => {
  using f = fixture();
  await f.run(
    "CREATE DATABASE d",
    "CREATE TABLE d.v (id BIGINT PRIMARY KEY, u VARCHAR(20) NOT NULL, n VARCHAR(20), " +
      "de DECIMAL(10,3), dt DATETIME(2), d DATE, fl FLOAT, db DOUBLE, e ENUM('x','y'), " +
      "bi BIT(9), vb VARBINARY(20), j JSON, UNIQUE KEY uu (u), UNIQUE KEY un (n))",
    "CREATE TABLE d.c (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT, PRIMARY KEY (a, b))",
    "INSERT INTO d.v VALUES (9007199254740991, 'Grüße\\t\\n', 'x', 12.5, " +
      "'2024-02-29 10:11:12.5', '2024-02-29', 1.5, 0.1, 'y', b'101', X'00010f10ff', '{\"a\": 1}')",
    "INSERT INTO d.v (id, u) VALUES (-5, 'abc'), (7, '😀'), (8, X'ff'), (0, '')",
    "INSERT INTO d.c VALUES (1, 'a', 10), (1, 'b', 11), (2, 'a', NULL)",
  );
  const lines = [
    "P\t1\td\tv\tPRIMARY\tid,u,n,de,dt,d,fl,db,e,bi,vb,j",
    "P\t2\td\tv\tuu\tid,u",
    "P\t3\td\tc\tPRIMARY\ta,b,v",
    "P\t4\td\tv\tun\tid,n",
    "1\t=\t1\t9007199254740991",
    "1\t=\t1\t-5",
    "1\t=\t1\t0",
    "1\t=\t1\t7\t1\t0",
    "1\t=\t1\t7\t5",
    "1\t=\t1\t7\t1\t1",
    "1\t=\t1\t7\t0",
    "1\t=\t1\tx",
    "1\t=\t1\t",
    "1\t=\t1\t7.0",
    "1\t=\t1\t007",
    "1\t=\t1\t+7",
    "1\t=\t1\t-0",
    "1\t=\t1\t-5x",
    "1\t=\t1\t 7",
    "1\t=\t1\t-9007199254740991",
    "1\t=\t1\t900719925474099",
    "1\t=\t1\t99999999999999999999999",
    "1\t=\t2\t7\t8",
    "1\t=\t1\t7\tF\t=\t0\t1",
    "01\t=\t01\t7",
    "1\t=\t1\t7\t",
    "1x\t=\t1\t7",
    "2\t=\t1\tABC",
    "2\t=\t1\t😀",
    "3\t=\t2\t1\tA",
    "3\t=\t2\t2\ta",
    "3\t=\t1\t1",
    "3\t=\t2\t1",
    "4\t=\t1\tx",
    "9\t=\t1\t7",
    "1\t>=\t1\t7",
  ].map((l): Uint8Array => enc.encode(l));
  lines.push(line("2", "=", "1", "Grüße\t\n"), line("2", "=", "1", null), line("2", "=", "1", ""));
  lines.push(line("2", "=", "1", new Uint8Array([0xff])), line("1", "=", "1", "\x01"));
  const single = new HsExecutor(f.open(), { writable: false, secret: "" });
  const piped = new HsExecutor(f.open(), { writable: false, secret: "" });
  const expected: string[] = [];
  for (const l of lines) expected.push(dec.decode(await single.handle(l)));
  assert.equal(dec.decode(await batch(piped, lines)), expected.join(""));
  assert.deepEqual(piped.counters, single.counters);
  // One at a time through the same path, too.
  const each: string[] = [];
  for (const l of lines) each.push(dec.decode(await batch(piped, [l])));
  assert.deepEqual(each, expected);
  // The point find returns what SQL returns for that row.
  const [row] = await f.rows(
    "SELECT id, u, n, de, dt, d, fl, db, e, bi, vb, j FROM d.v WHERE id = 9007199254740991",
  );
  assert.equal(
    expected[4],
    dec.decode(encodeResponse(0, 12, row!.map((v) => valueToken(v as SqlValue)))),
  );
  assert.ok(expected[4]!.startsWith("0\t12\t9007199254740991\tGrüße\x01I\x01J\tx\t12.500\t"));
  single.close();
  piped.close();
});

Deno.test("handlersocket executor: point finds see changes and DDL as SQL does", async () => {
  using f = fixture();
  await f.run(
    "CREATE DATABASE d",
    "CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(10))",
    "INSERT INTO d.t VALUES (1, 'a')",
  );
  const ex = new HsExecutor(f.open(), { writable: false, secret: "" });
  const ask = async (...ls: string[]) => dec.decode(await batch(ex, ls.map((l) => enc.encode(l))));
  assert.equal(await ask("P\t1\td\tt\tPRIMARY\tid,v", "1\t=\t1\t1"), "0\t1\n0\t2\t1\ta\n");
  await f.run("UPDATE d.t SET v = '042' WHERE id = 1");
  assert.equal(await ask("1\t=\t1\t1"), "0\t2\t1\t042\n");
  await f.run("ALTER TABLE d.t MODIFY v INT");
  assert.equal(await ask("1\t=\t1\t1"), "0\t2\t1\t42\n");
  await f.run("ALTER TABLE d.t DROP COLUMN v");
  assert.equal(await ask("1\t=\t1\t1"), "1\t1\t1054\n");
  await f.run("DROP TABLE d.t");
  assert.equal(await ask("1\t=\t1\t1", "1\t=\t1\t1"), "1\t1\t1146\n1\t1\t1146\n");
  ex.close();
});

Deno.test("handlersocket executor: a pipelined batch sees its own writes in order", async () => {
  using f = fixture();
  await load(f);
  const ex = new HsExecutor(f.open(), { writable: true, secret: "" });
  const lines = [
    "P\t1\td\tt\tPRIMARY\tid,k,v",
    "1\t=\t1\t60",
    "1\t=\t1\t1",
    "1\t+\t3\t60\t6\tsixty",
    "1\t=\t1\t60",
    "1\t=\t1\t60\t1\t0\tU\t60\t7\tseventy",
    "1\t=\t1\t60",
    "1\t=\t1\t1",
    "1\t=\t1\t60\t1\t0\tD",
    "1\t=\t1\t60",
  ];
  assert.equal(
    dec.decode(await batch(ex, lines.map((l): Uint8Array => enc.encode(l)))),
    [
      "0\t1",
      "0\t3",
      "0\t3\t1\t1\ta",
      "0\t1\t0",
      "0\t3\t60\t6\tsixty",
      "0\t1\t1",
      "0\t3\t60\t7\tseventy",
      "0\t3\t1\t1\ta",
      "0\t1\t1",
      "0\t3",
      "",
    ].join("\n"),
  );
  ex.close();
});
