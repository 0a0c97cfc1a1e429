/**
 * Decoders for command-phase payloads. Every payload includes its command byte, exactly as the
 * framer delivers it; decoders start after it and do not re-check it.
 */

import { decodeQueryText } from "./query_text.ts";
import { CLIENT_CONNECT_ATTRS, CLIENT_PLUGIN_AUTH, CLIENT_SECURE_CONNECTION } from "./constants.ts";
import { readConnectAttributes } from "./handshake.ts";
import { PacketReader } from "./packet_reader.ts";

/** COM_INIT_DB: the schema name (string<EOF>). */
export function decodeInitDb(payload: Uint8Array): string {
  return new PacketReader(payload, 1).restString();
}

/** COM_QUERY: the statement text (string<EOF>; no query attributes, since not advertised). */
export function decodeQuery(payload: Uint8Array): string {
  return decodeQueryText(payload.subarray(1));
}

/** COM_STMT_PREPARE: the statement text (string<EOF>). */
export function decodeStmtPrepare(payload: Uint8Array): string {
  return decodeQueryText(payload.subarray(1));
}

/** A decoded COM_FIELD_LIST. */
export interface FieldList {
  table: string;
  /** LIKE pattern for column names; "" when absent. */
  wildcard: string;
}

/** COM_FIELD_LIST: table string<NUL> (a missing NUL is tolerated), wildcard string<EOF>. */
export function decodeFieldList(payload: Uint8Array): FieldList {
  const r = new PacketReader(payload, 1);
  const table = r.nulStringOrRest();
  return { table, wildcard: r.restString() };
}

/** COM_PROCESS_KILL: the connection id, int<4>. */
export function decodeProcessKill(payload: Uint8Array): number {
  return new PacketReader(payload, 1).int4();
}

/** COM_SET_OPTION: MYSQL_OPTION_MULTI_STATEMENTS_ON (0) or _OFF (1), int<2>. */
export function decodeSetOption(payload: Uint8Array): number {
  return new PacketReader(payload, 1).int2();
}

/** A decoded COM_CHANGE_USER. Byte fields are views into the payload. */
export interface ChangeUser {
  username: string;
  authResponse: Uint8Array;
  database: string | null;
  /** Collation id, or null when the client did not send one. */
  characterSet: number | null;
  authPluginName: string | null;
  attributes: Map<string, string>;
}

/**
 * COM_CHANGE_USER, read with the capabilities of the client's handshake response: user NUL,
 * auth response (1-byte length with CLIENT_SECURE_CONNECTION, else NUL-terminated), database
 * NUL, then optionally charset int<2>, plugin name NUL and connection attributes. Only the
 * user name is required; later fields may be missing.
 */
export function decodeChangeUser(payload: Uint8Array, capabilities: number): ChangeUser {
  const r = new PacketReader(payload, 1);
  const result: ChangeUser = {
    username: r.nulStringOrRest(),
    authResponse: new Uint8Array(0),
    database: null,
    characterSet: null,
    authPluginName: null,
    attributes: new Map(),
  };
  if (r.atEnd) return result;
  result.authResponse = capabilities & CLIENT_SECURE_CONNECTION ? r.bytes(r.int1()) : r.nulBytes();
  if (r.atEnd) return result;
  result.database = r.nulStringOrRest();
  if (r.remaining < 2) return result;
  result.characterSet = r.int2();
  if (capabilities & CLIENT_PLUGIN_AUTH && !r.atEnd) result.authPluginName = r.nulStringOrRest();
  if (capabilities & CLIENT_CONNECT_ATTRS && !r.atEnd) result.attributes = readConnectAttributes(r);
  return result;
}

/** COM_STMT_CLOSE: the statement id, int<4>. */
export function decodeStmtClose(payload: Uint8Array): number {
  return new PacketReader(payload, 1).int4();
}

/** COM_STMT_RESET: the statement id, int<4>. */
export function decodeStmtReset(payload: Uint8Array): number {
  return new PacketReader(payload, 1).int4();
}

/** A decoded COM_STMT_SEND_LONG_DATA. */
export interface StmtSendLongData {
  statementId: number;
  paramId: number;
  /** A view into the payload: copy it to keep it past the next read. */
  data: Uint8Array;
}

/** COM_STMT_SEND_LONG_DATA: statement id int<4>, parameter int<2>, data string<EOF>. */
export function decodeStmtSendLongData(payload: Uint8Array): StmtSendLongData {
  const r = new PacketReader(payload, 1);
  const statementId = r.int4();
  const paramId = r.int2();
  return { statementId, paramId, data: r.restBytes() };
}

/** A decoded COM_STMT_FETCH. */
export interface StmtFetch {
  statementId: number;
  numRows: number;
}

/** COM_STMT_FETCH: statement id int<4>, number of rows int<4>. */
export function decodeStmtFetch(payload: Uint8Array): StmtFetch {
  const r = new PacketReader(payload, 1);
  const statementId = r.int4();
  return { statementId, numRows: r.int4() };
}
