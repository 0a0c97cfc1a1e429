/**
 * Shared set-up of the HandlerSocket lifecycle tests (hs_lifecycle_test.ts,
 * hs_connection_life_test.ts): a server with a read and a write port over table d.t, and the
 * reads of its process list and Hs_* counters they check.
 */

import assert from "node:assert/strict";
import type mysql from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { freePort, type ServerProcess, startServer } from "../helpers/server_process.ts";
import { HsClient } from "./_hs_client.ts";

export type Row = Record<string, unknown>;

export const OPEN = "P\t1\td\tt\tPRIMARY\tid,v";
/** A point find of row `id` on index 1. */
export function find(id: number): string {
  return `1\t=\t1\t${id}`;
}
/** Row 3's value: about 200 bytes per answer to a find of it. */
export const LONG = "x".repeat(190);

export interface HsServer {
  srv: ServerProcess;
  sql: mysql.Connection;
  rd: number;
  wr: number;
}

/** A server with HandlerSocket on a read port and a write port (`threads` read threads, one
 * write thread, `extra` options) and an SQL connection to it. */
export async function startHsServer(threads: number, extra: string[] = []): Promise<HsServer> {
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
  return { srv, sql, rd, wr };
}

/** `startHsServer` with table d.t holding 3 rows. */
export async function hsServer(threads: number, extra: string[] = []): Promise<HsServer> {
  const hs = await startHsServer(threads, extra);
  const { sql } = hs;
  await sql.query("CREATE DATABASE d");
  await sql.query("CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(200))");
  await sql.query("INSERT INTO d.t VALUES (1, 'one'), (2, 'two'), (3, ?)", [LONG]);
  return hs;
}

/** SHOW GLOBAL STATUS `name` as a number. */
export async function status(sql: mysql.Connection, name: string): Promise<number> {
  const [rows] = await sql.query("SHOW GLOBAL STATUS LIKE ?", [name]);
  const row = (rows as { Value: string }[])[0];
  assert.ok(row, `no status variable ${name}`);
  return Number(row.Value);
}

/** The read-port HandlerSocket threads in information_schema.PROCESSLIST: id → open conns. */
export async function readThreads(sql: mysql.Connection): Promise<Map<number, number>> {
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
export async function daemons(sql: mysql.Connection): Promise<Row[]> {
  const [rows] = await sql.query("SHOW PROCESSLIST");
  return (rows as Row[]).filter((r) => r.Command === "Daemon" && r.User === "system user");
}

/** Send `line` and read its answer: null when the server has closed the connection. */
export async function askOrClosed(c: HsClient, line: string): Promise<string | null> {
  try {
    await c.write(line + "\n");
    const a = await c.readLine();
    return a === null ? null : new TextDecoder().decode(a);
  } catch {
    return null; // reset by the peer: closed as well
  }
}

/** `work`'s result, or a failure after `ms` (a generous bound: timing goals live in benches). */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stop the server and check it ended cleanly (exit code 1 would mean leaked memory). */
export async function stopCleanly(srv: ServerProcess): Promise<void> {
  assert.equal((await srv.stop()).code, 0, await srv.logText());
  assert.doesNotMatch(await srv.logText(), /\[ERROR\]/);
}

/** Open connections to `port`, each with index 1 open, until there are at least `min` and every
 * read-port thread serves at least one (the kernel spreads them, SO_REUSEPORT). */
export async function spreadConnections(
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

export function closeAll(clients: HsClient[]): void {
  for (const c of clients) c[Symbol.dispose]();
}
