/**
 * An index opened by a HandlerSocket `P` request: the table, the key columns of the named index,
 * the columns to return and the filter columns, looked up through SQL (SHOW COLUMNS / SHOW
 * INDEX) so HandlerSocket sees exactly the catalog that SQL sees.
 */

import { MysqlError } from "../errors/mysql_error.ts";
import type { SqlSession, SqlValue } from "../sql/types.ts";

/** An open index of one HandlerSocket connection. */
export interface HsIndex {
  db: string;
  table: string;
  /** Key columns of the index, in index order. */
  keyParts: string[];
  /** For each key column: its type is an integer type (a key token in canonical decimal form
   * can then be bound as a number, which compares exactly as its text would). */
  intKeys: boolean[];
  /** Columns a find returns and an insert / update sets. */
  columns: string[];
  /** Filter columns (`F` / `W` refer to them by position). */
  fcolumns: string[];
  /** Columns that identify one row for find_modify: the primary key, a unique NOT NULL key,
   * or every column. */
  rowKey: string[];
  /** True when `rowKey` is every column (no unique key): changes then take LIMIT 1. */
  rowKeyIsAll: boolean;
  /** The AUTO_INCREMENT column, if any. */
  autoColumn: string | null;
  /** True when the index is unique with NOT NULL parts: `=` on every part finds one row. */
  uniqueKey: boolean;
  /** SQL text of each request shape, built once (see hs_executor.ts). */
  shapes: Map<string, string>;
  /** The point find (`=` on the whole unique key): its SQL and a parameter array reused by
   * every run; set on first use. */
  point?: { sql: string; params: SqlValue[] };
}

/** Why an open_index failed, as the original's error words. */
export class HsOpenError extends Error {
  constructor(readonly code: number, readonly word: string) {
    super(word);
  }
}

/** SHOW COLUMNS types of the integer columns. */
const INTEGER_TYPE = /^(tiny|small|medium|big)?int\b/i;

/** Quote a MySQL identifier. */
export function ident(name: string): string {
  return "`" + name.replaceAll("`", "``") + "`";
}

/** `db`.`table`. */
export function tableName(index: { db: string; table: string }): string {
  return `${ident(index.db)}.${ident(index.table)}`;
}

function text(v: SqlValue | undefined): string {
  return v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v ?? "");
}

/** Look up an index for `P <id> <db> <table> <index> <columns> [<fcolumns>]`. */
export async function openIndex(
  session: SqlSession,
  db: string,
  table: string,
  indexName: string,
  columnList: string,
  filterList: string,
): Promise<HsIndex> {
  const target = `${ident(db)}.${ident(table)}`;
  let columnRows: SqlValue[][];
  let indexRows: SqlValue[][];
  try {
    const c = await session.execute(`SHOW COLUMNS FROM ${target}`);
    const i = await session.execute(`SHOW INDEX FROM ${target}`);
    if (c.kind !== "rows" || i.kind !== "rows") throw new HsOpenError(1, "open_table");
    columnRows = c.rows;
    indexRows = i.rows;
  } catch (e) {
    if (e instanceof MysqlError) throw new HsOpenError(1, "open_table");
    throw e;
  }
  // SHOW COLUMNS: Field, Type, Null, Key, Default, Extra.
  const all = columnRows.map((r) => text(r[0]));
  const byLower = new Map(all.map((name) => [name.toLowerCase(), name]));
  const autoColumn = columnRows.find((r) => /auto_increment/i.test(text(r[5])));
  const intColumns = new Set(
    columnRows.filter((r) => INTEGER_TYPE.test(text(r[1]))).map((r) => text(r[0])),
  );
  const notNull = new Set(columnRows.filter((r) => text(r[2]) === "NO").map((r) => text(r[0])));
  // SHOW INDEX: Table, Non_unique, Key_name, Seq_in_index, Column_name, ...
  const keys = new Map<string, { unique: boolean; parts: string[] }>();
  for (const r of indexRows) {
    const name = text(r[2]);
    const key = keys.get(name) ?? { unique: Number(r[1]) === 0, parts: [] };
    key.parts[Number(r[3]) - 1] = text(r[4]);
    keys.set(name, key);
  }
  const wanted = [...keys.keys()].find((k) => k.toLowerCase() === indexName.toLowerCase());
  if (wanted === undefined) throw new HsOpenError(2, "idxnum");
  const pick = (list: string): string[] => {
    if (list === "") return [];
    return list.split(",").map((c) => {
      const name = byLower.get(c.trim().toLowerCase());
      if (name === undefined) throw new HsOpenError(2, "fld");
      return name;
    });
  };
  const opened = keys.get(wanted)!;
  const unique = keys.get("PRIMARY") ??
    [...keys.values()].find((k) => k.unique && k.parts.every((p) => notNull.has(p)));
  return {
    db,
    table,
    keyParts: opened.parts,
    intKeys: opened.parts.map((p) => intColumns.has(p)),
    columns: pick(columnList),
    fcolumns: pick(filterList),
    rowKey: unique ? unique.parts : all,
    rowKeyIsAll: !unique,
    autoColumn: autoColumn ? text(autoColumn[0]) : null,
    uniqueKey: opened.unique && opened.parts.every((p) => notNull.has(p)),
    shapes: new Map(),
  };
}
