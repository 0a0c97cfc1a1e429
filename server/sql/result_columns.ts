/**
 * Result columns of a compiled SELECT: SQLite tells the origin table and column of each result
 * column; the catalog turns that into MySQL metadata. Expressions are typed per execution from
 * their values, and named by their source text as MySQL names them.
 */

import type { StatementSync } from "node:sqlite";
import type { ColumnMeta } from "./types.ts";
import type { ItemName, ValueConverter } from "./plan.ts";
import type { SqlRewriter } from "./sql_rewriter.ts";
import { columnMeta, decimalMeta, readConverter } from "./column_meta.ts";
import { findColumn, isIntegerType } from "../store/table_def.ts";

/** What describeResult finds out at compile time. */
export interface Described {
  columns: (ColumnMeta | null)[];
  names: ItemName[];
  converters: (ValueConverter | null)[];
  bigInts: boolean;
}

function aggregateMeta(
  rw: SqlRewriter,
  name: ItemName,
  display: string,
): { meta: ColumnMeta; conv: ValueConverter } | null {
  if (name.kind !== "text") return null;
  const t = rw.tokens;
  const fn = t[name.from]!;
  if (fn.kind !== "word" || (fn.upper !== "SUM" && fn.upper !== "AVG")) return null;
  if (!rw.isOp(name.from + 1, "(") || !rw.isOp(name.to - 1, ")")) return null;
  // SUM / AVG of an integer or DECIMAL column is DECIMAL in MySQL (AVG adds 4 digits of scale).
  let k = name.from + 2;
  if (rw.isWord(k, "DISTINCT")) k++;
  const last = name.to - 2;
  const colTok = t[last]!;
  if (colTok.kind !== "word" && colTok.kind !== "quoted") return null;
  if (last !== k && !(last === k + 2 && rw.isOp(k + 1, "."))) return null;
  for (const ref of rw.tables) {
    const col = ref.def ? findColumn(ref.def, colTok.value) : undefined;
    if (!col || !(isIntegerType(col.dataType) || col.dataType === "decimal")) continue;
    const scale = (col.scale ?? 0) + (fn.upper === "AVG" ? 4 : 0);
    return {
      meta: decimalMeta(display, scale),
      conv: (
        v,
      ) => (v === null ? null : typeof v === "bigint" ? v.toString() : Number(v).toFixed(scale)),
    };
  }
  return null;
}

/** Describe the result columns of a prepared SELECT. */
export function describeResult(rw: SqlRewriter, stmt: StatementSync): Described {
  const cols = stmt.columns();
  const out: Described = { columns: [], names: [], converters: [], bigInts: false };
  const aligned = rw.itemNames.length === cols.length;
  cols.forEach((c, i) => {
    let name: ItemName = { kind: "store" };
    if (aligned) {
      const item = rw.itemNames[i]!;
      const [a, b] = rw.itemOut[i]!;
      const translated = rw.out.slice(a, b).trim();
      if (item.kind === "literal" || c.name === translated) name = item;
    }
    out.names.push(name);
    const ref = c.table
      ? rw.tables.find((r) => r.def && `${r.db}.${r.def.name}` === c.table)
      : undefined;
    const col = ref?.def && c.column ? findColumn(ref.def, c.column) : undefined;
    if (ref?.def && col) {
      out.columns.push(columnMeta(ref.def, col, c.name, ref.alias));
      out.converters.push(readConverter(col));
      if (col.dataType === "bigint") out.bigInts = true;
      return;
    }
    const agg = aggregateMeta(rw, name, c.name);
    if (agg) {
      out.columns.push(agg.meta);
      out.converters.push(agg.conv);
      out.bigInts = true;
      return;
    }
    out.columns.push(null);
    out.converters.push(null);
    out.bigInts = true;
  });
  return out;
}
