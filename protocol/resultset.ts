/**
 * Text-protocol result sets (Protocol::ColumnDefinition41, ProtocolText::ResultsetRow) and the
 * metadata shared with binary result sets.
 */

import { MYSQL_TYPE_DOUBLE, MYSQL_TYPE_FLOAT } from "./constants.ts";
import { writeEof, writeOk } from "./generic_response.ts";
import { formatDouble, formatFloat } from "./number_format.ts";
import { type PacketOutput, PacketWriter } from "./packet_writer.ts";

/** One result column as Protocol::ColumnDefinition41 carries it (same shape as `ColumnMeta`). */
export interface ColumnDefinition41 {
  /** Database (schema) name, "" for an expression. */
  db: string;
  /** Table alias, "" for an expression. */
  table: string;
  /** Table name, "" for an expression. */
  orgTable: string;
  /** Column name or alias. */
  name: string;
  /** Column name in its table, "" for an expression. */
  orgName: string;
  /** Collation id. */
  charset: number;
  /** Maximum display length in bytes. */
  length: number;
  /** MYSQL_TYPE_* code. */
  type: number;
  /** Column flags (*_FLAG). */
  flags: number;
  /** Decimals (31 for floating point without a fixed scale). */
  decimals: number;
}

/** A value in a result row. */
export type RowValue = string | number | bigint | Uint8Array | null;

/** How a result set ends. */
export interface ResultSetOptions {
  /** SERVER_STATUS_* flags for the EOF/OK packets (include SERVER_MORE_RESULTS_EXISTS if so). */
  statusFlags: number;
  /** Warning count for the final packet. */
  warnings?: number;
  /** The client set CLIENT_DEPRECATE_EOF: no EOF after metadata, OK (0xFE) at the end. */
  deprecateEof: boolean;
}

/** Append the column count packet: int<lenenc>. */
export function writeColumnCount(out: PacketOutput, count: number): void {
  out.beginPacket();
  out.lenencInt(count);
  out.endPacket();
}

/**
 * Append one Protocol::ColumnDefinition41 packet. `defaultValue` is given only for
 * COM_FIELD_LIST, which appends the column default as string<lenenc> (0xfb for NULL).
 */
export function writeColumnDefinition41(
  out: PacketOutput,
  column: ColumnDefinition41,
  defaultValue?: string | null,
): void {
  out.beginPacket();
  writeColumnDefinition41Payload(out, column);
  if (defaultValue === null) out.lenencNull();
  else if (defaultValue !== undefined) out.lenencString(defaultValue);
  out.endPacket();
}

/** Protocol::ColumnDefinition41 payload. */
export function encodeColumnDefinition41(column: ColumnDefinition41): Uint8Array {
  const w = new PacketWriter(128);
  writeColumnDefinition41Payload(w, column);
  return w.take();
}

function writeColumnDefinition41Payload(w: PacketWriter, c: ColumnDefinition41): void {
  w.lenencInt(3); // catalog: always "def"
  w.int3(0x666564);
  w.lenencString(c.db); // schema
  w.lenencString(c.table); // table
  w.lenencString(c.orgTable); // org_table
  w.lenencString(c.name); // name
  w.lenencString(c.orgName); // org_name
  w.int1(0x0c); // length of the fixed-length fields
  w.int2(c.charset); // character set
  w.int4(c.length); // column length
  w.int1(c.type); // type
  w.int2(c.flags); // flags
  w.int1(c.decimals); // decimals
  w.int2(0); // filler
}

/** Append result set metadata: column count, definitions, then EOF unless deprecateEof. */
export function writeResultSetMetadata(
  out: PacketOutput,
  columns: readonly ColumnDefinition41[],
  options: ResultSetOptions,
): void {
  writeColumnCount(out, columns.length);
  for (const c of columns) writeColumnDefinition41(out, c);
  if (!options.deprecateEof) writeEof(out, options.statusFlags, 0);
}

/** Append the packet that ends the rows: EOF, or OK with header 0xFE under deprecateEof. */
export function writeResultSetEnd(out: PacketOutput, options: ResultSetOptions): void {
  if (options.deprecateEof) {
    writeOk(out, {
      header: 0xfe,
      statusFlags: options.statusFlags,
      warnings: options.warnings ?? 0,
    });
  } else {
    writeEof(out, options.statusFlags, options.warnings ?? 0);
  }
}

/**
 * Append one ProtocolText::ResultsetRow: each value as string<lenenc>, NULL as 0xfb.
 * `columns` picks the number format: FLOAT and DOUBLE columns format as MySQL does
 * (`formatFloat`, `formatDouble`); other numbers print as integers when integral.
 */
export function writeTextRow(
  out: PacketOutput,
  row: readonly RowValue[],
  columns: readonly ColumnDefinition41[] | null,
): void {
  out.beginPacket();
  writeTextRowPayload(out, row, columns);
  out.endPacket();
}

/** ProtocolText::ResultsetRow payload. */
export function encodeTextRow(
  row: readonly RowValue[],
  columns: readonly ColumnDefinition41[] | null,
): Uint8Array {
  const w = new PacketWriter(64);
  writeTextRowPayload(w, row, columns);
  return w.take();
}

function writeTextRowPayload(
  w: PacketWriter,
  row: readonly RowValue[],
  columns: readonly ColumnDefinition41[] | null,
): void {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (v === null || v === undefined) w.lenencNull();
    else if (typeof v === "string") w.lenencString(v);
    else if (typeof v === "number") w.lenencString(numberText(v, columns?.[i]?.type));
    else if (typeof v === "bigint") w.lenencString(v.toString());
    else w.lenencBytes(v);
  }
}

/** Text form of a number in a column of MySQL type `type`. */
export function numberText(v: number, type: number | undefined): string {
  if (type === MYSQL_TYPE_FLOAT) return formatFloat(v);
  if (type === MYSQL_TYPE_DOUBLE || !Number.isInteger(v)) return formatDouble(v);
  return String(v);
}

/** Append a whole text result set: metadata, rows, then EOF or OK (0xFE). */
export function writeTextResultSet(
  out: PacketOutput,
  resultSet: { columns: readonly ColumnDefinition41[]; rows: readonly (readonly RowValue[])[] },
  options: ResultSetOptions,
): void {
  const { columns, rows } = resultSet;
  writeResultSetMetadata(out, columns, options);
  for (const row of rows) writeTextRow(out, row, columns);
  writeResultSetEnd(out, options);
}
