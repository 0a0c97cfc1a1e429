/** SHOW TABLE STATUS [FROM db] [LIKE | WHERE], with MySQL 8.0's columns. */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "./token_cursor.ts";
import type { SqlValue, StatementResult } from "./types.ts";
import type { Session } from "./session.ts";
import { filtered, metas } from "./show_result.ts";
import { schemaOf } from "./ddl_statements.ts";
import { nextAutoIncrement } from "../store/store_ddl.ts";
import { quoteStore, storeName } from "../store/table_def.ts";
import { canSeeTable, checkDatabaseVisible } from "./privilege_checks.ts";

function localTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${
    p(d.getMinutes())
  }:${p(d.getSeconds())}`;
}

/** SHOW TABLE STATUS. */
export function showTableStatus(s: Session, c: TokenCursor): StatementResult {
  const db = c.acceptWord("FROM") || c.acceptWord("IN") ? c.ident() : schemaOf(s, null);
  if (!s.engine.catalog.schema(db)) {
    throw new MysqlError(ER.ER_BAD_DB_ERROR, `Unknown database '${db}'`);
  }
  checkDatabaseVisible(s, db);
  const tables = s.engine.catalog.tables(db).filter((t) => canSeeTable(s, db, t.name));
  const data = tables.map((t) => {
    const count = s.db.prepare(`SELECT count(*) AS n FROM ${quoteStore(storeName(db, t.name))}`)
      .get();
    const rows = Number(count?.n ?? 0);
    return [
      t.name,
      t.engine,
      10,
      "Dynamic",
      rows,
      rows ? 100 : 0,
      16384,
      0,
      0,
      0,
      nextAutoIncrement(s.db, t),
      localTime(t.created),
      null,
      null,
      t.collation,
      null,
      "",
      t.comment,
    ] as SqlValue[];
  });
  const cols = metas([
    "Name",
    "Engine",
    ["Version", "int"],
    "Row_format",
    ["Rows", "int"],
    ["Avg_row_length", "int"],
    ["Data_length", "int"],
    ["Max_data_length", "int"],
    ["Index_length", "int"],
    ["Data_free", "int"],
    ["Auto_increment", "int"],
    "Create_time",
    "Update_time",
    "Check_time",
    "Collation",
    ["Checksum", "int"],
    "Create_options",
    "Comment",
  ]);
  return filtered(s, c, cols, data);
}
