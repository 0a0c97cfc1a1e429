/** The MySQL error code `f` throws; fails when it throws something else or nothing. */

import { MysqlError } from "../../server/errors/mysql_error.ts";

export function errorCode(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof MysqlError) return e.code;
    throw e;
  }
  throw new Error("Expected a MysqlError");
}
