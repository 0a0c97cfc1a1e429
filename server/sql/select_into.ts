/** SELECT ... INTO @a, @b: the single result row assigned to user variables. */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { RowsResult, StatementResult } from "./types.ts";
import type { Session } from "./session.ts";

/** Assign the one row of `result` to `vars` (1222, 1172; warning 1329 when there is none). */
export function assignInto(s: Session, vars: string[], result: RowsResult): StatementResult {
  if (vars.length !== result.columns.length) {
    throw new MysqlError(1222, "The used SELECT statements have a different number of columns");
  }
  if (result.rows.length > 1) {
    throw new MysqlError(ER.ER_TOO_MANY_ROWS, "Result consisted of more than one row");
  }
  if (result.rows.length === 0) {
    s.warn(1329, "No data - zero rows fetched, selected, or processed");
  }
  const row = result.rows[0];
  if (row) vars.forEach((v, k) => s.setUserVar(v, row[k] ?? null));
  return { kind: "ok", affectedRows: 1, insertId: 0, warnings: s.warningCount(), info: "" };
}
