/**
 * Conversion of a value written into a column to what the column stores, with MySQL's checks:
 * 1366 incorrect integer value, 1264 out of range, 1406 data too long, 1292 incorrect date,
 * 1048 cannot be null. In strict mode (and not IGNORE) these fail the statement; otherwise the
 * value is adjusted and a warning is kept, as MySQL does.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { type ColumnDef, isIntegerType } from "../store/table_def.ts";
import {
  formatDate,
  formatDateTime,
  formatTime,
  parseDateTime,
  parseTime,
  validDate,
} from "./mysql_time.ts";

/** How the current statement treats bad values. */
export interface ConversionMode {
  /** Strict sql_mode and not IGNORE: bad values are errors. */
  strict: boolean;
  /** NO_ZERO_DATE in sql_mode. */
  noZeroDate: boolean;
  /** NO_AUTO_VALUE_ON_ZERO in sql_mode. */
  noAutoValueOnZero: boolean;
  /** Record a warning (SHOW WARNINGS). */
  warn(code: number, message: string): void;
}

const INT_RANGE: Record<string, [bigint, bigint, bigint]> = {
  // [signed min, signed max, unsigned max]
  tinyint: [-128n, 127n, 255n],
  smallint: [-32768n, 32767n, 65535n],
  mediumint: [-8388608n, 8388607n, 16777215n],
  int: [-2147483648n, 2147483647n, 4294967295n],
  bigint: [-9223372036854775808n, 9223372036854775807n, 18446744073709551615n],
};

const TEXT_LIMIT: Record<string, number> = {
  tinytext: 255,
  text: 65535,
  mediumtext: 16777215,
  longtext: 4294967295,
  tinyblob: 255,
  blob: 65535,
  mediumblob: 16777215,
  longblob: 4294967295,
};

const encoder = new TextEncoder();

/**
 * The bytes of a string literal bound for a binary column. Statement text keeps bytes that are
 * not UTF-8 as U+DC80..U+DCFF (protocol/query_text.ts); those turn back into the exact byte.
 */
export function encodeBinaryText(s: string): Uint8Array {
  // A NUL inside text is kept as U+FDD0 by the store (dml_runner.ts STORED_NUL).
  if (s.includes("\ufdd0")) s = s.replaceAll("\ufdd0", "\0");
  if (!/[\udc80-\udcff]/.test(s)) return encoder.encode(s);
  const out: number[] = [];
  let run = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xdc80 && c <= 0xdcff) {
      if (run !== "") out.push(...encoder.encode(run));
      run = "";
      out.push(c - 0xdc00);
    } else {
      run += ch;
    }
  }
  if (run !== "") out.push(...encoder.encode(run));
  return new Uint8Array(out);
}
const decoder = new TextDecoder();

/** Text form of any value, as MySQL shows it in messages and converts it to strings. */
export function textOf(v: unknown): string {
  if (v instanceof Uint8Array) return decoder.decode(v);
  return String(v);
}

function bad(mode: ConversionMode, code: number, message: string): void {
  if (mode.strict) throw new MysqlError(code, message);
  mode.warn(code, message);
}

const NUMERIC_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The numeric value of `v` for a numeric column; the leading number (with a warning) otherwise. */
function numberOf(
  v: unknown,
  col: ColumnDef,
  row: number,
  mode: ConversionMode,
  kind: string,
): number | bigint {
  if (typeof v === "number" || typeof v === "bigint") return v;
  const s = textOf(v).trim();
  if (NUMERIC_RE.test(s)) {
    if (/^[+-]?\d+$/.test(s) && s.replace(/^[+-]/, "").length > 15) return BigInt(s);
    return Number(s);
  }
  bad(
    mode,
    ER.ER_TRUNCATED_WRONG_VALUE_FOR_FIELD,
    `Incorrect ${kind} value: '${s}' for column '${col.name}' at row ${row}`,
  );
  const prefix = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(s);
  return prefix ? Number(prefix[0]) : 0;
}

function outOfRange(col: ColumnDef, row: number, mode: ConversionMode): void {
  bad(
    mode,
    ER.ER_WARN_DATA_OUT_OF_RANGE,
    `Out of range value for column '${col.name}' at row ${row}`,
  );
}

function toInteger(v: unknown, col: ColumnDef, row: number, mode: ConversionMode): number | bigint {
  const n = numberOf(v, col, row, mode, "integer");
  // MySQL rounds half away from zero when storing a fraction in an integer column.
  let b = typeof n === "bigint" ? n : BigInt(Math.sign(n) * Math.round(Math.abs(n)));
  const range = INT_RANGE[col.dataType] ?? INT_RANGE.bigint!;
  const lo = col.unsigned ? 0n : range[0];
  const hi = col.unsigned ? range[2] : range[1];
  if (b < lo || b > hi) {
    outOfRange(col, row, mode);
    b = b < lo ? lo : hi;
  }
  // The store holds signed 64-bit integers: BIGINT UNSIGNED past 2^63-1 is kept as its two's
  // complement and turned back on read (column_meta.ts readConverter).
  if (b > 9223372036854775807n) b = BigInt.asIntN(64, b);
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

function toDecimal(v: unknown, col: ColumnDef, row: number, mode: ConversionMode): number {
  const n = Number(numberOf(v, col, row, mode, "decimal"));
  const scale = col.scale ?? 0;
  const precision = col.length ?? 10;
  const f = 10 ** scale;
  let r = Math.sign(n) * Math.round(Math.abs(n) * f) / f;
  const max = 10 ** (precision - scale) - 1 / f;
  if (Math.abs(r) > max || (col.unsigned && r < 0)) {
    outOfRange(col, row, mode);
    r = col.unsigned && r < 0 ? 0 : Math.sign(r) * max;
  }
  return r;
}

function toText(v: unknown, col: ColumnDef, row: number, mode: ConversionMode): string {
  let s = typeof v === "number" || typeof v === "bigint" ? String(v) : textOf(v);
  const limit = col.dataType === "char" || col.dataType === "varchar" ? col.length ?? 1 : null;
  if (limit !== null && [...s].length > limit) {
    if (mode.strict) {
      throw new MysqlError(
        ER.ER_DATA_TOO_LONG,
        `Data too long for column '${col.name}' at row ${row}`,
      );
    }
    mode.warn(ER.ER_WARN_DATA_TRUNCATED, `Data truncated for column '${col.name}' at row ${row}`);
    s = [...s].slice(0, limit).join("");
  }
  const bytes = TEXT_LIMIT[col.dataType];
  if (bytes !== undefined && encoder.encode(s).length > bytes) {
    bad(mode, ER.ER_DATA_TOO_LONG, `Data too long for column '${col.name}' at row ${row}`);
  }
  // CHAR drops trailing spaces when it is read back (PAD_CHAR_TO_FULL_LENGTH off).
  return col.dataType === "char" ? s.replace(/ +$/, "") : s;
}

function toBytes(v: unknown, col: ColumnDef, row: number, mode: ConversionMode): Uint8Array {
  let b = v instanceof Uint8Array ? v : encodeBinaryText(String(v));
  const limit = col.dataType === "binary" || col.dataType === "varbinary"
    ? col.length ?? 1
    : TEXT_LIMIT[col.dataType];
  if (limit !== undefined && b.length > limit) {
    bad(mode, ER.ER_DATA_TOO_LONG, `Data too long for column '${col.name}' at row ${row}`);
    b = b.slice(0, limit);
  }
  if (col.dataType === "binary" && b.length < (col.length ?? 1)) {
    // BINARY(n) pads with zero bytes.
    const padded = new Uint8Array(col.length ?? 1);
    padded.set(b);
    b = padded;
  }
  return b;
}

function toTemporal(v: unknown, col: ColumnDef, row: number, mode: ConversionMode): string {
  const t = col.dataType;
  const label = t === "timestamp" ? "datetime" : t;
  const s = textOf(v).trim();
  if (t === "time") {
    const us = parseTime(s);
    if (us !== null) return formatTime(us, col.scale ?? 0);
    bad(
      mode,
      ER.ER_TRUNCATED_WRONG_VALUE,
      `Incorrect time value: '${s}' for column '${col.name}' at row ${row}`,
    );
    return "00:00:00";
  }
  const p = parseDateTime(s);
  if (p && validDate(p, !mode.noZeroDate)) {
    if (t === "date") return formatDate(p);
    return formatDateTime(p, col.scale ?? 0);
  }
  bad(
    mode,
    ER.ER_TRUNCATED_WRONG_VALUE,
    `Incorrect ${label} value: '${s}' for column '${col.name}' at row ${row}`,
  );
  return t === "date" ? "0000-00-00" : "0000-00-00 00:00:00";
}

function toYear(v: unknown, col: ColumnDef, row: number, mode: ConversionMode): number {
  const n = Math.round(Number(numberOf(v, col, row, mode, "integer")));
  const isText = typeof v === "string";
  if (n === 0) return isText && v.trim() !== "0000" ? 2000 : 0;
  if (n > 0 && n < 70) return 2000 + n;
  if (n >= 70 && n < 100) return 1900 + n;
  if (n >= 1901 && n <= 2155) return n;
  outOfRange(col, row, mode);
  return 0;
}

function toEnum(v: unknown, col: ColumnDef, row: number, mode: ConversionMode): string {
  if (typeof v === "number" || typeof v === "bigint") {
    const k = Number(v);
    if (k >= 1 && k <= col.values.length) return col.values[k - 1]!;
  } else {
    const s = textOf(v).replace(/ +$/, "").toLowerCase();
    const hit = col.values.find((x) => x.toLowerCase() === s);
    if (hit !== undefined) return hit;
  }
  bad(mode, ER.ER_WARN_DATA_TRUNCATED, `Data truncated for column '${col.name}' at row ${row}`);
  return "";
}

function toSet(v: unknown, col: ColumnDef, row: number, mode: ConversionMode): string {
  const parts = textOf(v).split(",").filter((x) => x !== "");
  const out: string[] = [];
  for (const p of parts) {
    const hit = col.values.find((x) => x.toLowerCase() === p.toLowerCase());
    if (hit === undefined) {
      bad(mode, ER.ER_WARN_DATA_TRUNCATED, `Data truncated for column '${col.name}' at row ${row}`);
    } else if (!out.includes(hit)) out.push(hit);
  }
  return col.values.filter((x) => out.includes(x)).join(",");
}

function toJson(v: unknown, col: ColumnDef): string {
  const s = textOf(v);
  try {
    return JSON.stringify(JSON.parse(s));
  } catch {
    throw new MysqlError(
      3140,
      `Invalid JSON text: "Invalid value." at position 0 in value for column '${col.name}'.`,
      "22032",
    );
  }
}

/** The value column `col` stores for `v` written at row `row` (1-based). */
export function convertForColumn(
  col: ColumnDef,
  v: unknown,
  row: number,
  mode: ConversionMode,
): unknown {
  if (v === null || v === undefined) {
    if (col.nullable || col.autoIncrement) return null;
    if (mode.strict) {
      throw new MysqlError(ER.ER_BAD_NULL_ERROR, `Column '${col.name}' cannot be null`);
    }
    mode.warn(ER.ER_BAD_NULL_ERROR, `Column '${col.name}' cannot be null`);
    return implicitDefault(col);
  }
  const t = col.dataType;
  if (isIntegerType(t)) {
    const n = toInteger(v, col, row, mode);
    if (col.autoIncrement && n === 0 && !mode.noAutoValueOnZero) return null;
    return n;
  }
  switch (t) {
    case "decimal":
    case "float":
    case "double":
      return t === "decimal"
        ? toDecimal(v, col, row, mode)
        : Number(numberOf(v, col, row, mode, "double"));
    case "bit":
      return Number(numberOf(v, col, row, mode, "integer"));
    case "year":
      return toYear(v, col, row, mode);
    case "date":
    case "datetime":
    case "timestamp":
    case "time":
      return toTemporal(v, col, row, mode);
    case "enum":
      return toEnum(v, col, row, mode);
    case "set":
      return toSet(v, col, row, mode);
    case "json":
      return toJson(v, col);
    case "binary":
    case "varbinary":
    case "tinyblob":
    case "blob":
    case "mediumblob":
    case "longblob":
      return toBytes(v, col, row, mode);
  }
  return toText(v, col, row, mode);
}

/** The value MySQL puts in a NOT NULL column when NULL is written outside strict mode. */
export function implicitDefault(col: ColumnDef): unknown {
  const t = col.dataType;
  if (isIntegerType(t) || ["decimal", "float", "double", "bit", "year"].includes(t)) return 0;
  if (t === "date") return "0000-00-00";
  if (t === "datetime" || t === "timestamp") return "0000-00-00 00:00:00";
  if (t === "time") return "00:00:00";
  if (t === "enum") return col.values[0] ?? "";
  if (["binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"].includes(t)) {
    return new Uint8Array(0);
  }
  return "";
}
