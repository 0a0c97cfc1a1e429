/**
 * What a write statement counts while it runs (generated AUTO_INCREMENT ids, ON DUPLICATE KEY
 * UPDATE hits, changed rows, the last value stored per column) and how it converts values for
 * their columns under the session's sql_mode (strict mode unless IGNORE).
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TableDef } from "../store/table_def.ts";
import { type ConversionMode, textOf } from "./column_values.ts";

/** The counters of the running write statement. */
export class WriteCounters {
  generated = 0;
  upserts = 0;
  changed = new Set<unknown>();
  /** Last values converted per column (names the duplicate entry of a 1062). */
  lastValues = new Map<string, unknown>();
  /** How values are converted for their columns in this statement. */
  mode: ConversionMode;

  constructor(mode: ConversionMode) {
    this.mode = mode;
  }

  /** Start a statement: zero the counters and take its conversion mode. */
  begin(mode: ConversionMode): void {
    this.generated = 0;
    this.upserts = 0;
    if (this.changed.size) this.changed = new Set();
    this.lastValues.clear();
    this.mode = mode;
  }

  /** MySQL 8.0's 1062: `Duplicate entry '5' for key 't.PRIMARY'`. */
  duplicateError(table: TableDef | null, storeColumns: string[]): MysqlError {
    const cols = storeColumns.map((c) => c.slice(c.lastIndexOf(".") + 1).toLowerCase());
    const key = table?.indexes.find((i) =>
      i.kind !== "index" && i.parts.length === cols.length &&
      i.parts.every((p) => cols.includes(p.column.toLowerCase()))
    );
    const values = cols.map((c) => {
      const v = this.lastValues.get(c);
      return v === undefined || v === null ? "NULL" : textOf(v);
    });
    const keyName = key ? `${table!.name}.${key.name}` : cols.join(",");
    return new MysqlError(
      ER.ER_DUP_ENTRY,
      `Duplicate entry '${values.join("-")}' for key '${keyName}'`,
    );
  }
}

/** The conversion mode of a statement under `sqlMode` (IGNORE turns strict errors into warnings). */
export function conversionMode(
  sqlMode: string,
  ignore: boolean,
  warn: (code: number, message: string) => void,
): ConversionMode {
  return {
    strict: !ignore &&
      (sqlMode.includes("STRICT_TRANS_TABLES") || sqlMode.includes("STRICT_ALL_TABLES")),
    noZeroDate: sqlMode.includes("NO_ZERO_DATE"),
    noAutoValueOnZero: sqlMode.includes("NO_AUTO_VALUE_ON_ZERO"),
    warn,
  };
}
