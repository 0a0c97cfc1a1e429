/**
 * MySQL's view of a table as the catalog keeps it: columns with their declared MySQL types,
 * keys with their names, and table options. Stored as one JSON document per table.
 */

/** A column's DEFAULT clause. */
export type ColumnDefault =
  | { kind: "null" }
  | { kind: "value"; value: string | number }
  | { kind: "now"; fsp: number };

/** One column as declared. */
export interface ColumnDef {
  name: string;
  /** MySQL data type, lower case: int, bigint, varchar, decimal, datetime, enum, ... */
  dataType: string;
  /** (M): display width, character length, precision; null when not given. */
  length: number | null;
  /** Decimal scale or fractional seconds precision; null when not given. */
  scale: number | null;
  unsigned: boolean;
  zerofill: boolean;
  nullable: boolean;
  /** DEFAULT clause, or null when there is none. */
  default: ColumnDefault | null;
  autoIncrement: boolean;
  onUpdateNow: boolean;
  /** Character set and collation of a text column; null for other types. */
  charset: string | null;
  collation: string | null;
  comment: string;
  /** ENUM / SET members. */
  values: string[];
}

/** One key part. */
export interface KeyPart {
  column: string;
  /** Prefix length, e.g. KEY (c(10)). */
  length: number | null;
  desc: boolean;
}

/** One key (index) as declared. */
export interface IndexDef {
  /** "PRIMARY" for the primary key. */
  name: string;
  kind: "primary" | "unique" | "index";
  parts: KeyPart[];
  comment: string;
}

/** One table. */
export interface TableDef {
  db: string;
  name: string;
  columns: ColumnDef[];
  indexes: IndexDef[];
  engine: string;
  charset: string;
  collation: string;
  comment: string;
  /** Seconds since the epoch at CREATE TABLE. */
  created: number;
  temporary: boolean;
}

/** The SQLite table name for a MySQL table: `db.t`. */
export function storeName(db: string, table: string): string {
  return `${db}.${table}`;
}

/** Quote an identifier for SQLite. */
export function quoteStore(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quote an identifier as MySQL shows it (backticks). */
export function quoteMysql(name: string): string {
  return "`" + name.replaceAll("`", "``") + "`";
}

/** Find a column by name, case-insensitively as MySQL does. */
export function findColumn(table: TableDef, name: string): ColumnDef | undefined {
  const lower = name.toLowerCase();
  return table.columns.find((c) => c.name.toLowerCase() === lower);
}

/** The primary key, if any. */
export function primaryKey(table: TableDef): IndexDef | undefined {
  return table.indexes.find((i) => i.kind === "primary");
}

const INTEGER_TYPES = new Set(["tinyint", "smallint", "mediumint", "int", "bigint"]);
const TEXT_TYPES = new Set([
  "char",
  "varchar",
  "tinytext",
  "text",
  "mediumtext",
  "longtext",
  "enum",
  "set",
]);
const BINARY_TYPES = new Set(["binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"]);
const TEMPORAL_TYPES = new Set(["date", "time", "datetime", "timestamp"]);

/** Whether the type is one of MySQL's integer types. */
export function isIntegerType(t: string): boolean {
  return INTEGER_TYPES.has(t);
}

/** Whether the type holds character data with a collation. */
export function isTextType(t: string): boolean {
  return TEXT_TYPES.has(t);
}

/** Whether the type holds bytes. */
export function isBinaryType(t: string): boolean {
  return BINARY_TYPES.has(t);
}

/** Whether the type is DATE, TIME, DATETIME or TIMESTAMP. */
export function isTemporalType(t: string): boolean {
  return TEMPORAL_TYPES.has(t);
}

/** Whether the column compares case-sensitively (binary collation). */
export function isBinaryCollation(c: ColumnDef): boolean {
  return c.collation !== null && (c.collation.endsWith("_bin") || c.collation.endsWith("_cs"));
}

/** The SQLite STRICT storage type of a column. */
export function storeType(c: ColumnDef): string {
  const t = c.dataType;
  if (isIntegerType(t) || t === "bit" || t === "year") return "INTEGER";
  if (t === "decimal" || t === "float" || t === "double") return "REAL";
  if (isBinaryType(t)) return "BLOB";
  return "TEXT";
}

function quoteValues(values: string[]): string {
  return values.map((v) => `'${v.replaceAll("'", "''")}'`).join(",");
}

/** COLUMN_TYPE as MySQL 8.0 shows it: `int unsigned`, `varchar(20)`, `decimal(10,2)`. */
export function columnTypeText(c: ColumnDef): string {
  const t = c.dataType;
  let s = t;
  if (isIntegerType(t)) {
    // MySQL 8.0 drops integer display widths, except tinyint(1) and ZEROFILL columns.
    if (c.zerofill || (t === "tinyint" && c.length === 1)) s += `(${c.length ?? 1})`;
  } else if (t === "decimal") {
    s += `(${c.length ?? 10},${c.scale ?? 0})`;
  } else if ((t === "float" || t === "double") && c.length !== null) {
    s += `(${c.length},${c.scale ?? 0})`;
  } else if (["char", "varchar", "binary", "varbinary", "bit"].includes(t)) {
    s += `(${c.length ?? 1})`;
  } else if (isTemporalType(t) && t !== "date" && c.scale) {
    s += `(${c.scale})`;
  } else if (t === "enum" || t === "set") {
    s += `(${quoteValues(c.values)})`;
  }
  if (c.unsigned) s += " unsigned";
  if (c.zerofill) s += " zerofill";
  return s;
}
