import assert from "node:assert/strict";
import { EngineFixture } from "../sql/_engine_fixture.ts";
import { HsExecutor } from "../../server/handlersocket/hs_executor.ts";

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
