/**
 * What the timeout and KILL tests look at from another session: the process list, global
 * status counters, and (from tests/helpers) a bounded poll for an outcome.
 */

import type { Connection } from "mysql2/promise";

export { waitUntil } from "../helpers/wait_until.ts";

/** Ids in SHOW PROCESSLIST. */
export async function processIds(conn: Connection): Promise<Set<number>> {
  const [rows] = await conn.query("SHOW PROCESSLIST");
  return new Set((rows as { Id: number }[]).map((r) => Number(r.Id)));
}

/** One SHOW GLOBAL STATUS counter. */
export async function globalStatus(conn: Connection, name: string): Promise<number> {
  const [rows] = await conn.query("SHOW GLOBAL STATUS LIKE ?", [name]);
  return Number((rows as { Value: string }[])[0]?.Value ?? NaN);
}
