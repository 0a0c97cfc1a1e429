/**
 * Prepared statements on the wire: COM_STMT_PREPARE_OK, COM_STMT_EXECUTE parameters and
 * ProtocolBinary::ResultsetRow.
 */

import { readDateTime, readTime, writeDateTime, writeTime } from "./_temporal.ts";
import {
  BINARY_FLAG,
  MYSQL_TYPE_BIT,
  MYSQL_TYPE_BLOB,
  MYSQL_TYPE_DATE,
  MYSQL_TYPE_DATETIME,
  MYSQL_TYPE_DECIMAL,
  MYSQL_TYPE_DOUBLE,
  MYSQL_TYPE_ENUM,
  MYSQL_TYPE_FLOAT,
  MYSQL_TYPE_GEOMETRY,
  MYSQL_TYPE_INT24,
  MYSQL_TYPE_JSON,
  MYSQL_TYPE_LONG,
  MYSQL_TYPE_LONG_BLOB,
  MYSQL_TYPE_LONGLONG,
  MYSQL_TYPE_MEDIUM_BLOB,
  MYSQL_TYPE_NEWDECIMAL,
  MYSQL_TYPE_NULL,
  MYSQL_TYPE_SET,
  MYSQL_TYPE_SHORT,
  MYSQL_TYPE_STRING,
  MYSQL_TYPE_TIME,
  MYSQL_TYPE_TIMESTAMP,
  MYSQL_TYPE_TINY,
  MYSQL_TYPE_TINY_BLOB,
  MYSQL_TYPE_VAR_STRING,
  MYSQL_TYPE_VARCHAR,
  MYSQL_TYPE_YEAR,
} from "./constants.ts";
import { writeEof } from "./generic_response.ts";
import { decodeUtf8, PacketReader } from "./packet_reader.ts";
import { type PacketOutput, PacketWriter } from "./packet_writer.ts";
import { ProtocolError } from "./protocol_error.ts";
import {
  type ColumnDefinition41,
  numberText,
  type ResultSetOptions,
  type RowValue,
  writeColumnDefinition41,
  writeResultSetEnd,
  writeResultSetMetadata,
} from "./resultset.ts";

/** Definition MySQL sends for each `?` placeholder: name "?", VAR_STRING, binary. */
export const PARAM_DEFINITION: ColumnDefinition41 = {
  db: "",
  table: "",
  orgTable: "",
  name: "?",
  orgName: "",
  charset: 63,
  length: 0,
  type: MYSQL_TYPE_VAR_STRING,
  flags: BINARY_FLAG,
  decimals: 0,
};

/** What COM_STMT_PREPARE_OK reports. */
export interface StmtPrepareOkOptions {
  statementId: number;
  /** Number of `?` placeholders; PARAM_DEFINITION is sent for each. */
  paramCount: number;
  /** Result columns known at prepare time; empty when none. */
  columns: readonly ColumnDefinition41[];
  warnings?: number;
  /** SERVER_STATUS_* flags for the EOF packets. */
  statusFlags: number;
  /** The client set CLIENT_DEPRECATE_EOF: no EOF after the definitions. */
  deprecateEof: boolean;
}

/** A decoded COM_STMT_EXECUTE. */
export interface StmtExecute {
  statementId: number;
  /** Cursor flags (CURSOR_TYPE_*). */
  flags: number;
  iterationCount: number;
  /** The client sent parameter types (else `types` are the previous ones). */
  newParamsBound: boolean;
  /** Parameter types as sent: low byte MYSQL_TYPE_*, bit 0x8000 unsigned. */
  types: number[];
  /**
   * One value per parameter: string for character and DECIMAL/JSON/temporal types,
   * Uint8Array for BLOB/BIT/GEOMETRY, number (bigint past 2^53) for integers and floats.
   * Parameters in `longDataParams` are left null: the caller substitutes the long data.
   */
  values: RowValue[];
}

/** Context COM_STMT_EXECUTE needs from earlier packets. */
export interface StmtExecuteOptions {
  /** Types bound by the previous execution, used when new-params-bound is 0. */
  previousTypes?: readonly number[] | null;
  /** Parameters whose value came by COM_STMT_SEND_LONG_DATA: not in the packet. */
  longDataParams?: ReadonlySet<number> | null;
}

/** Append COM_STMT_PREPARE_OK with the parameter and column definitions that follow it. */
export function writeStmtPrepareOk(out: PacketOutput, options: StmtPrepareOkOptions): void {
  out.beginPacket();
  writeStmtPrepareOkPayload(out, options);
  out.endPacket();
  const eof = !options.deprecateEof;
  for (let i = 0; i < options.paramCount; i++) writeColumnDefinition41(out, PARAM_DEFINITION);
  if (options.paramCount > 0 && eof) writeEof(out, options.statusFlags);
  for (const c of options.columns) writeColumnDefinition41(out, c);
  if (options.columns.length > 0 && eof) writeEof(out, options.statusFlags);
}

/** The first packet of COM_STMT_PREPARE_OK alone. */
export function encodeStmtPrepareOk(options: StmtPrepareOkOptions): Uint8Array {
  const w = new PacketWriter(12);
  writeStmtPrepareOkPayload(w, options);
  return w.take();
}

function writeStmtPrepareOkPayload(w: PacketWriter, o: StmtPrepareOkOptions): void {
  w.int1(0x00); // status
  w.int4(o.statementId); // statement id
  w.int2(o.columns.length); // num_columns
  w.int2(o.paramCount); // num_params
  w.int1(0x00); // reserved
  w.int2(o.warnings ?? 0); // warning_count
}

/** Statement id of a COM_STMT_EXECUTE (or any COM_STMT_*) payload, command byte included. */
export function peekStatementId(payload: Uint8Array): number {
  return new PacketReader(payload, 1).int4();
}

/**
 * Decode COM_STMT_EXECUTE (payload includes the command byte) for a statement with
 * `paramCount` placeholders. Throws `ProtocolError` "truncated" or "malformed".
 */
export function decodeStmtExecute(
  payload: Uint8Array,
  paramCount: number,
  options: StmtExecuteOptions = {},
): StmtExecute {
  const r = new PacketReader(payload, 1);
  const statementId = r.int4(); // statement id
  const flags = r.int1(); // flags
  const iterationCount = r.int4(); // iteration count, always 1
  const result: StmtExecute = {
    statementId,
    flags,
    iterationCount,
    newParamsBound: false,
    types: [],
    values: [],
  };
  if (paramCount === 0) return result;
  const nullBitmap = r.bytes((paramCount + 7) >> 3); // NULL bitmap
  result.newParamsBound = r.int1() === 1; // new_params_bind_flag
  if (result.newParamsBound) {
    for (let i = 0; i < paramCount; i++) result.types.push(r.int2()); // parameter_type
  } else {
    const prev = options.previousTypes;
    if (!prev || prev.length !== paramCount) {
      throw new ProtocolError("malformed", "Cannot execute statement: no parameter types bound");
    }
    result.types = prev.slice();
  }
  const longData = options.longDataParams;
  for (let i = 0; i < paramCount; i++) {
    if ((longData && longData.has(i)) || nullBitmap[i >> 3]! & (1 << (i & 7))) {
      result.values.push(null);
    } else {
      result.values.push(readParam(r, result.types[i]!));
    }
  }
  return result;
}

/** One binary parameter value of type `type` (low byte type, 0x8000 unsigned). */
function readParam(r: PacketReader, type: number): RowValue {
  const unsigned = (type & 0x8000) !== 0;
  switch (type & 0xff) {
    case MYSQL_TYPE_NULL:
      return null;
    case MYSQL_TYPE_TINY: {
      const v = r.int1();
      return unsigned || v < 0x80 ? v : v - 0x100;
    }
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR: {
      const v = r.int2();
      return unsigned || v < 0x8000 ? v : v - 0x10000;
    }
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24: {
      const v = r.int4();
      return unsigned ? v : v | 0;
    }
    case MYSQL_TYPE_LONGLONG:
      return unsigned ? r.int8() : r.int8Signed();
    case MYSQL_TYPE_FLOAT:
      return r.float4();
    case MYSQL_TYPE_DOUBLE:
      return r.float8();
    case MYSQL_TYPE_DATE:
      return readDateTime(r, true);
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
      return readDateTime(r, false);
    case MYSQL_TYPE_TIME:
      return readTime(r);
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_ENUM:
    case MYSQL_TYPE_SET:
    case MYSQL_TYPE_JSON:
      return decodeUtf8(r.lenencBytes());
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_BIT:
    case MYSQL_TYPE_GEOMETRY:
      return r.lenencBytes().slice();
  }
  throw new ProtocolError(
    "malformed",
    `Cannot read parameter: unknown type 0x${type.toString(16)}`,
  );
}

/**
 * Append one ProtocolBinary::ResultsetRow: 0x00, NULL bitmap (offset 2), then each non-NULL
 * value in its column type's binary form. On a value that cannot be encoded (e.g. a DATETIME
 * column holding "abc") the packet is dropped and `ProtocolError` "malformed" is thrown.
 */
export function writeBinaryRow(
  out: PacketOutput,
  row: readonly RowValue[],
  columns: readonly ColumnDefinition41[],
): void {
  out.beginPacket();
  try {
    writeBinaryRowPayload(out, row, columns);
  } catch (e) {
    out.abortPacket();
    throw e;
  }
  out.endPacket();
}

/** ProtocolBinary::ResultsetRow payload. */
export function encodeBinaryRow(
  row: readonly RowValue[],
  columns: readonly ColumnDefinition41[],
): Uint8Array {
  const w = new PacketWriter(64);
  writeBinaryRowPayload(w, row, columns);
  return w.take();
}

function writeBinaryRowPayload(
  w: PacketWriter,
  row: readonly RowValue[],
  columns: readonly ColumnDefinition41[],
): void {
  const n = columns.length;
  w.int1(0x00); // packet header
  const bitmapStart = w.length;
  w.zeros((n + 9) >> 3); // NULL bitmap, offset 2
  const bitmap = w.peek();
  for (let i = 0; i < n; i++) {
    const v = row[i];
    if (v === null || v === undefined) bitmap[bitmapStart + ((i + 2) >> 3)]! |= 1 << ((i + 2) & 7);
  }
  for (let i = 0; i < n; i++) {
    const v = row[i];
    if (v !== null && v !== undefined) writeBinaryValue(w, v, columns[i]!.type);
  }
}

/** One non-NULL value in the binary form of MySQL type `type`. */
function writeBinaryValue(w: PacketWriter, v: string | number | bigint | Uint8Array, type: number) {
  switch (type) {
    case MYSQL_TYPE_TINY:
      return w.int1(toInteger(v));
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR:
      return w.int2(toInteger(v));
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
      return w.int4(toInteger(v));
    case MYSQL_TYPE_LONGLONG:
      return w.int8(typeof v === "bigint" ? v : toBigIntOrNumber(v));
    case MYSQL_TYPE_FLOAT:
      return w.float4(toNumber(v));
    case MYSQL_TYPE_DOUBLE:
      return w.float8(toNumber(v));
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
      return writeDateTime(w, toText(v));
    case MYSQL_TYPE_TIME:
      return writeTime(w, toText(v));
  }
  if (typeof v === "string") w.lenencString(v);
  else if (typeof v === "number") w.lenencString(numberText(v, type));
  else if (typeof v === "bigint") w.lenencString(v.toString());
  else w.lenencBytes(v);
}

function toText(v: string | number | bigint | Uint8Array): string {
  return v instanceof Uint8Array ? decodeUtf8(v) : String(v);
}

function toNumber(v: string | number | bigint | Uint8Array): number {
  return typeof v === "number" ? v : Number(toText(v));
}

/** Integer value for a 1-, 2- or 4-byte column; bits beyond the width are dropped by the writer. */
function toInteger(v: string | number | bigint | Uint8Array): number {
  if (typeof v === "number") return Math.trunc(v);
  if (typeof v === "bigint") return Number(BigInt.asIntN(32, v));
  return Math.trunc(Number(toText(v)));
}

function toBigIntOrNumber(v: string | number | Uint8Array): number | bigint {
  if (typeof v === "number") return Math.trunc(v);
  const text = toText(v).trim();
  if (!/^-?\d+$/.test(text)) {
    throw new ProtocolError("malformed", `Cannot encode BIGINT: "${text}"`);
  }
  return BigInt(text);
}

/** Append a whole binary result set: metadata, binary rows, then EOF or OK (0xFE). */
export function writeBinaryResultSet(
  out: PacketOutput,
  resultSet: { columns: readonly ColumnDefinition41[]; rows: readonly (readonly RowValue[])[] },
  options: ResultSetOptions,
): void {
  const { columns, rows } = resultSet;
  writeResultSetMetadata(out, columns, options);
  for (const row of rows) writeBinaryRow(out, row, columns);
  writeResultSetEnd(out, options);
}
