/**
 * max_connections: the server takes one connection beyond the limit (MySQL keeps it for an
 * administrator) and refuses the rest with ER_CON_COUNT_ERROR (1040) as the first packet,
 * counting them in Connection_errors_max_connections; the limit is dynamic.
 */

import assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { assertSqlError, connectMysql2 } from "../helpers/mysql2_client.ts";
import { startServer } from "../helpers/server_process.ts";

Deno.test({
  name: "max_connections: a storm beyond the limit gets ERR 1040 and the server recovers",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer({ options: ["--max-connections=4"] });
  const open: Connection[] = [];
  try {
    for (let i = 0; i < 5; i++) open.push(await connectMysql2(srv));
    const storm = await Promise.allSettled(
      Array.from({ length: 10 }, () => connectMysql2(srv)),
    );
    for (const r of storm) {
      if (r.status === "fulfilled") open.push(r.value);
    }
    assert.equal(storm.filter((r) => r.status === "fulfilled").length, 0);
    await assertSqlError(connectMysql2(srv), { errno: 1040, message: "Too many connections" });
    const [rows] = await open[0]!.query(
      "SHOW GLOBAL STATUS LIKE 'Connection_errors_max_connections'",
    );
    assert.equal(Number((rows as { Value: string }[])[0]?.Value), 11);

    await open[0]!.query("SET GLOBAL max_connections = 6");
    open.push(await connectMysql2(srv));
    open.push(await connectMysql2(srv));
    await assertSqlError(connectMysql2(srv), { errno: 1040 });
  } finally {
    await Promise.all(open.map((c) => c.end().catch(() => {})));
  }
  // Everyone left: once the server saw them go, new clients get in again.
  let again: Connection | null = null;
  for (let i = 0; i < 100 && again === null; i++) {
    again = await connectMysql2(srv).catch(() => null);
    if (again === null) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(again, "no connection after the storm ended");
  await again.query("SELECT 1");
  await again.end();
});
