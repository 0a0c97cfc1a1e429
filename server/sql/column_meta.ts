/**
 * MySQL result column metadata: from the catalog for table columns (type code, flags, length as
 * MySQL reports it), inferred from the values for expressions.
 */

import { Collation, ColumnFlag, ColumnType } from "./column_type.ts";
import type { ColumnMeta } from "./types.ts";
import { type ColumnDef, isBinaryType, isIntegerType, type TableDef } from "../store/table_def.ts";
import { findCollation } from "../variables/charsets.ts";

const INT_META: Record<string, [number, number]> = {
  // type code, display length (signed; unsigned is one less except bigint)
  tinyint: [ColumnType.TINY, 4],
  smallint: [ColumnType.SHORT, 6],
  mediumint: [ColumnType.INT24, 9],
  int: [ColumnType.LONG, 11],
  bigint: [ColumnType.LONGLONG, 20],
};

const BLOB_LENGTH: Record<string, number> = {
  tinytext: 255,
  text: 65535,
  mediumtext: 16777215,
  longtext: 4294967295,
  tinyblob: 255,
  blob: 65535,
  mediumblob: 16777215,
  longblob: 4294967295,
};

/** Collation id of a text column. */
export function collationId(col: ColumnDef): number {
  if (col.collation === null) return Collation.UTF8MB4_0900_AI_CI;
  return findCollation(col.collation)?.id ?? Collation.UTF8MB4_0900_AI_CI;
}

function keyFlags(table: TableDef, col: ColumnDef): number {
  let flags = 0;
  const lower = col.name.toLowerCase();
  for (const idx of table.indexes) {
    const pos = idx.parts.findIndex((p) => p.column.toLowerCase() === lower);
    if (pos < 0) continue;
    if (idx.kind === "primary") flags |= ColumnFlag.PRI_KEY;
    else if (idx.kind === "unique" && idx.parts.length === 1) flags |= ColumnFlag.UNIQUE_KEY;
    else if (pos === 0) flags |= ColumnFlag.MULTIPLE_KEY;
  }
  return flags;
}

/** [type, length, decimals, charset, extra flags] for a column's declared type. */
function typeMeta(col: ColumnDef): [number, number, number, number, number] {
  const t = col.dataType;
  const bin = Collation.BINARY;
  const int = INT_META[t];
  if (int) {
    const len = col.unsigned && t !== "bigint" ? int[1] - 1 : int[1];
    return [int[0], col.zerofill ? col.length ?? len : len, 0, bin, ColumnFlag.NUM];
  }
  const chars = (col.length ?? 1) * 4;
  switch (t) {
    case "decimal": {
      const p = col.length ?? 10;
      const s = col.scale ?? 0;
      return [
        ColumnType.NEWDECIMAL,
        p + (s > 0 ? 1 : 0) + (col.unsigned ? 0 : 1),
        s,
        bin,
        ColumnFlag.NUM,
      ];
    }
    case "float":
      return [ColumnType.FLOAT, 12, col.scale ?? 31, bin, ColumnFlag.NUM];
    case "double":
      return [ColumnType.DOUBLE, 22, col.scale ?? 31, bin, ColumnFlag.NUM];
    case "bit":
      return [ColumnType.BIT, col.length ?? 1, 0, bin, ColumnFlag.UNSIGNED];
    case "year":
      return [
        ColumnType.YEAR,
        4,
        0,
        bin,
        ColumnFlag.UNSIGNED | ColumnFlag.ZEROFILL | ColumnFlag.NUM,
      ];
    case "date":
      return [ColumnType.DATE, 10, 0, bin, ColumnFlag.BINARY];
    case "time":
      return [
        ColumnType.TIME,
        10 + (col.scale ? col.scale + 1 : 0),
        col.scale ?? 0,
        bin,
        ColumnFlag.BINARY,
      ];
    case "datetime":
      return [
        ColumnType.DATETIME,
        19 + (col.scale ? col.scale + 1 : 0),
        col.scale ?? 0,
        bin,
        ColumnFlag.BINARY,
      ];
    case "timestamp":
      return [
        ColumnType.TIMESTAMP,
        19 + (col.scale ? col.scale + 1 : 0),
        col.scale ?? 0,
        bin,
        ColumnFlag.BINARY | ColumnFlag.TIMESTAMP,
      ];
    case "char":
      return [ColumnType.STRING, chars, 0, collationId(col), 0];
    case "varchar":
      return [ColumnType.VAR_STRING, chars, 0, collationId(col), 0];
    case "binary":
      return [ColumnType.STRING, col.length ?? 1, 0, bin, ColumnFlag.BINARY];
    case "varbinary":
      return [ColumnType.VAR_STRING, col.length ?? 1, 0, bin, ColumnFlag.BINARY];
    case "enum":
    case "set": {
      const longest = Math.max(1, ...col.values.map((v) => [...v].length));
      const len = t === "enum" ? longest * 4 : col.values.join(",").length * 4;
      return [
        ColumnType.STRING,
        len,
        0,
        collationId(col),
        t === "enum" ? ColumnFlag.ENUM : ColumnFlag.SET,
      ];
    }
    case "json":
      return [ColumnType.JSON, 4294967295, 0, bin, ColumnFlag.BLOB | ColumnFlag.BINARY];
  }
  const blob = BLOB_LENGTH[t];
  if (blob !== undefined) {
    if (isBinaryType(t)) {
      return [ColumnType.BLOB, blob, 0, bin, ColumnFlag.BLOB | ColumnFlag.BINARY];
    }
    return [ColumnType.BLOB, Math.min(4294967295, blob * 4), 0, collationId(col), ColumnFlag.BLOB];
  }
  return [ColumnType.VAR_STRING, chars, 0, collationId(col), 0];
}

/** Metadata for a table column in a result, under result name `name` and table alias `alias`. */
export function columnMeta(
  table: TableDef,
  col: ColumnDef,
  name: string,
  alias: string,
): ColumnMeta {
  const [type, length, decimals, charset, typeFlags] = typeMeta(col);
  let flags = typeFlags | keyFlags(table, col);
  if (!col.nullable) flags |= ColumnFlag.NOT_NULL;
  if (col.unsigned) flags |= ColumnFlag.UNSIGNED;
  if (col.zerofill) flags |= ColumnFlag.ZEROFILL;
  if (col.autoIncrement) flags |= ColumnFlag.AUTO_INCREMENT;
  if (col.onUpdateNow) flags |= ColumnFlag.ON_UPDATE_NOW;
  if (!col.nullable && col.default === null && !col.autoIncrement) {
    flags |= ColumnFlag.NO_DEFAULT_VALUE;
  }
  if (isIntegerType(col.dataType) || col.dataType === "decimal") flags |= ColumnFlag.NUM;
  return {
    name,
    orgName: col.name,
    table: alias,
    orgTable: table.name,
    db: table.db,
    type,
    flags,
    length,
    decimals,
    charset,
  };
}

/** Metadata for an expression column, from its first non-NULL value. */
export function expressionMeta(name: string, sample: unknown): ColumnMeta {
  const base = { name, orgName: "", table: "", orgTable: "", db: "" };
  const binNum = ColumnFlag.BINARY | ColumnFlag.NUM;
  if (typeof sample === "bigint" || (typeof sample === "number" && Number.isInteger(sample))) {
    return {
      ...base,
      type: ColumnType.LONGLONG,
      flags: binNum,
      length: 21,
      decimals: 0,
      charset: Collation.BINARY,
    };
  }
  if (typeof sample === "number") {
    return {
      ...base,
      type: ColumnType.DOUBLE,
      flags: binNum,
      length: 23,
      decimals: 31,
      charset: Collation.BINARY,
    };
  }
  if (sample instanceof Uint8Array) {
    return {
      ...base,
      type: ColumnType.BLOB,
      flags: ColumnFlag.BINARY | ColumnFlag.BLOB,
      length: 65535,
      decimals: 0,
      charset: Collation.BINARY,
    };
  }
  if (sample === null || sample === undefined) {
    return {
      ...base,
      type: ColumnType.NULL,
      flags: ColumnFlag.BINARY,
      length: 0,
      decimals: 0,
      charset: Collation.BINARY,
    };
  }
  const len = Math.max(1, String(sample).length) * 4;
  return {
    ...base,
    type: ColumnType.VAR_STRING,
    flags: 0,
    length: len,
    decimals: 0,
    charset: Collation.UTF8MB4_0900_AI_CI,
  };
}

/** Metadata of a DECIMAL expression (SUM, AVG): values are sent as strings with `scale` digits. */
export function decimalMeta(name: string, scale: number): ColumnMeta {
  return {
    name,
    orgName: "",
    table: "",
    orgTable: "",
    db: "",
    type: ColumnType.NEWDECIMAL,
    flags: ColumnFlag.BINARY | ColumnFlag.NUM,
    length: 33,
    decimals: scale,
    charset: Collation.BINARY,
  };
}

/** Metadata for a text column of an informational result (SHOW ...). */
export function textMeta(name: string, length = 256, flags = 0): ColumnMeta {
  return {
    name,
    orgName: name,
    table: "",
    orgTable: "",
    db: "",
    type: ColumnType.VAR_STRING,
    flags,
    length: length * 4,
    decimals: 0,
    charset: Collation.UTF8MB4_0900_AI_CI,
  };
}

/** Metadata for an integer column of an informational result. */
export function intMeta(name: string, flags = 0): ColumnMeta {
  return {
    name,
    orgName: name,
    table: "",
    orgTable: "",
    db: "",
    type: ColumnType.LONGLONG,
    flags: flags | ColumnFlag.NUM | ColumnFlag.BINARY,
    length: 21,
    decimals: 0,
    charset: Collation.BINARY,
  };
}

/** Converts a stored value to what the column returns, or null when it needs no conversion. */
export function readConverter(col: ColumnDef): ((v: unknown) => unknown) | null {
  if (col.dataType === "decimal") {
    const scale = col.scale ?? 0;
    return (v) => (v === null ? null : Number(v).toFixed(scale));
  }
  if (col.dataType === "float") {
    return (v) => (v === null ? null : Number(Number(v).toPrecision(6)));
  }
  if (col.dataType === "bigint" && col.unsigned) return readUnsignedBigint;
  return null;
}

/** BIGINT UNSIGNED past 2^63-1 is stored as its two's complement (the store is signed 64-bit). */
function readUnsignedBigint(v: unknown): unknown {
  if ((typeof v !== "bigint" && typeof v !== "number") || v >= 0) return v;
  return BigInt.asUintN(64, BigInt(v));
}
