/**
 * HandlerSocket answers from SQL results: a value as a response token (NULL as NULL, text as its
 * UTF-8 bytes, numbers in SQL's text form, binary strings as they are), rows as a response line,
 * and a failed statement as the original's error line.
 */

import {
  encodeError,
  encodeResponse,
  type HsResponseWriter,
} from "../../protocol/handlersocket.ts";
import type { HsToken } from "../../protocol/handlersocket.ts";
import type { MysqlError } from "../errors/mysql_error.ts";
import type { SqlValue } from "../sql/types.ts";

const encoder = new TextEncoder();

/** A result value as a response token. */
export function valueToken(v: SqlValue | undefined): HsToken {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return v;
  return encoder.encode(typeof v === "string" ? v : String(v));
}

/** Write a result value as a response token (the bytes `valueToken` gives). */
export function writeValue(out: HsResponseWriter, v: SqlValue | undefined): void {
  if (v === null || v === undefined) out.token(null);
  else if (typeof v === "string") out.text(v);
  else if (v instanceof Uint8Array) out.token(v);
  else out.text(String(v));
}

/** The error line of a failed statement: the original answers with the storage engine's
 * error number, and 121 is a duplicate key. */
export function statementError(e: MysqlError): Uint8Array {
  return encodeError(1, String(e.code === 1062 ? 121 : e.code));
}

/** `0 HT <columns>` and the values of `row`, if any. */
export function writeRow(out: HsResponseWriter, columns: number, row: SqlValue[] | null): void {
  out.head(0, columns);
  if (row !== null) { for (let i = 0; i < columns; i++) writeValue(out, row[i]); }
  out.end();
}

/** `0 HT <columns>` and the values of `rows`. */
export function rowsResponse(columns: number, rows: SqlValue[][]): Uint8Array {
  const values: HsToken[] = [];
  for (const row of rows) for (let i = 0; i < columns; i++) values.push(valueToken(row[i]));
  return encodeResponse(0, columns, values);
}

/** `0 HT 1 HT <n>`: an insert's id, a find_modify's count of changed rows. */
export function numberResponse(n: number | bigint): Uint8Array {
  return encodeResponse(0, 1, [encoder.encode(String(n))]);
}
