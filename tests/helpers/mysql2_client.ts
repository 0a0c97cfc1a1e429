/** Small helpers for tests that talk to the server through npm `mysql2`. */

import assert from "node:assert/strict";
import mysql from "mysql2/promise";
import type { ServerProcess } from "./server_process.ts";

/** Opens a mysql2 connection to the test server as root (or as `extra.user`). */
export function connectMysql2(
  srv: ServerProcess,
  extra: mysql.ConnectionOptions = {},
): Promise<mysql.Connection> {
  return mysql.createConnection({ host: srv.host, port: srv.port, user: "root", ...extra });
}

/** The fields of a server error that tests match on. */
export interface SqlErrorShape {
  errno: number;
  sqlState?: string;
  message?: RegExp | string;
}

/** Awaits `work`, which must fail with a server error of the given number (and state, text). */
export async function assertSqlError(work: Promise<unknown>, want: SqlErrorShape): Promise<void> {
  let caught: unknown;
  try {
    await work;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `expected error ${want.errno}, but the statement succeeded`);
  const err = caught as { errno?: number; sqlState?: string; message?: string };
  assert.equal(err.errno, want.errno, `errno of: ${err.message}`);
  if (want.sqlState !== undefined) assert.equal(err.sqlState, want.sqlState, err.message);
  if (typeof want.message === "string") assert.equal(err.message, want.message);
  else if (want.message) assert.match(err.message ?? "", want.message);
}
