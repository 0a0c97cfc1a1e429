/**
 * What the timeout and KILL tests look at from another session: the process list, global
 * status counters, and a bounded poll for an outcome (timing goals live in benchmarks).
 */

import type { Connection } from "mysql2/promise";

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

/** Poll `probe` every 100 ms until it returns true; fails after `ms` (default 10 s). */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean> | boolean,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`Timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
