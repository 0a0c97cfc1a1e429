/**
 * The derived facts about a column that SHOW COLUMNS and information_schema.COLUMNS print
 * (COLUMN_KEY, COLUMN_DEFAULT, EXTRA, lengths and precisions), computed from its definition.
 */

import {
  type ColumnDef,
  columnTypeText,
  isIntegerType,
  isTextType,
  type TableDef,
} from "./table_def.ts";

/** COLUMN_KEY: PRI, UNI, MUL or "". */
export function columnKey(def: TableDef, col: ColumnDef): string {
  const lower = col.name.toLowerCase();
  for (const kind of ["primary", "unique", "index"] as const) {
    for (const idx of def.indexes) {
      if (idx.kind !== kind || idx.parts[0]?.column.toLowerCase() !== lower) continue;
      if (kind === "primary") return "PRI";
      if (kind === "unique") return idx.parts.length === 1 ? "UNI" : "MUL";
      return "MUL";
    }
  }
  return "";
}

/** COLUMN_DEFAULT / SHOW COLUMNS Default (null for none). */
export function columnDefaultText(col: ColumnDef): string | null {
  const d = col.default;
  if (d === null || d.kind === "null") return null;
  if (d.kind === "now") return `CURRENT_TIMESTAMP${d.fsp ? `(${d.fsp})` : ""}`;
  return String(d.value);
}

/** EXTRA: auto_increment, DEFAULT_GENERATED, on update CURRENT_TIMESTAMP. */
export function columnExtra(col: ColumnDef): string {
  const parts: string[] = [];
  if (col.autoIncrement) parts.push("auto_increment");
  if (col.default?.kind === "now") parts.push("DEFAULT_GENERATED");
  if (col.onUpdateNow) {
    parts.push(`on update CURRENT_TIMESTAMP${col.scale ? `(${col.scale})` : ""}`);
  }
  return parts.join(" ");
}

const PRECISION: Record<string, number> = {
  tinyint: 3,
  smallint: 5,
  mediumint: 7,
  int: 10,
  bigint: 19,
};
const BLOB_CHARS: Record<string, number> = {
  tinytext: 255,
  text: 65535,
  mediumtext: 16777215,
  longtext: 4294967295,
  tinyblob: 255,
  blob: 65535,
  mediumblob: 16777215,
  longblob: 4294967295,
};

/** What information_schema.COLUMNS shows for a column. */
export function columnInfo(def: TableDef, col: ColumnDef): Record<string, string | number | null> {
  const t = col.dataType;
  let charMax: number | null = null;
  if (["char", "varchar", "binary", "varbinary"].includes(t)) charMax = col.length;
  else if (BLOB_CHARS[t] !== undefined) charMax = BLOB_CHARS[t]!;
  else if (t === "enum" || t === "set") charMax = Math.max(0, ...col.values.map((v) => v.length));
  const octets = charMax === null
    ? null
    : isTextType(t)
    ? Math.min(4294967295, charMax * 4)
    : charMax;
  let precision: number | null = null;
  let scale: number | null = null;
  if (isIntegerType(t)) {
    precision = (PRECISION[t] ?? 10) + (col.unsigned && t === "bigint" ? 1 : 0);
    scale = 0;
  } else if (t === "decimal") [precision, scale] = [col.length ?? 10, col.scale ?? 0];
  else if (t === "float") precision = 12;
  else if (t === "double") precision = 22;
  return {
    columnType: columnTypeText(col),
    columnKey: columnKey(def, col),
    columnDefault: columnDefaultText(col),
    extra: columnExtra(col),
    charMaxLength: charMax,
    charOctetLength: octets,
    numericPrecision: precision,
    numericScale: scale,
    datetimePrecision: ["datetime", "timestamp", "time"].includes(t) ? col.scale ?? 0 : null,
  };
}

/** The JSON the catalog stores: the definition plus each column's derived facts. */
export function catalogJson(def: TableDef): string {
  return JSON.stringify({
    ...def,
    columns: def.columns.map((c) => ({ ...c, info: columnInfo(def, c) })),
  });
}
