/**
 * Generic response packets: OK_Packet, ERR_Packet and EOF_Packet (CLIENT_PROTOCOL_41 forms),
 * with decoders for tests and tools.
 */

import { PacketReader } from "./packet_reader.ts";
import { type PacketOutput, PacketWriter } from "./packet_writer.ts";
import { ProtocolError } from "./protocol_error.ts";

/** Fields of an OK packet. */
export interface OkOptions {
  affectedRows?: number | bigint;
  lastInsertId?: number | bigint;
  /** SERVER_STATUS_* flags. */
  statusFlags: number;
  warnings?: number;
  /** Human-readable info, e.g. "Rows matched: 1  Changed: 1  Warnings: 0". */
  info?: string;
  /** 0xFE when the OK ends a result set under CLIENT_DEPRECATE_EOF; 0x00 otherwise. */
  header?: 0x00 | 0xfe;
  /** The client set CLIENT_SESSION_TRACK: info becomes string<lenenc> (no state changes sent). */
  sessionTrack?: boolean;
}

/** Fields of an ERR packet. */
export interface ErrOptions {
  /** MySQL error number. */
  code: number;
  /** Five-character SQLSTATE. */
  sqlState: string;
  message: string;
  /**
   * False before the client's capabilities are known (e.g. ER_CON_COUNT_ERROR sent instead of
   * the greeting): MySQL then omits the '#' and SQLSTATE. Default true.
   */
  protocol41?: boolean;
}

/** A decoded OK packet. */
export interface OkPacket {
  header: number;
  affectedRows: number | bigint;
  lastInsertId: number | bigint;
  statusFlags: number;
  warnings: number;
  info: string;
}

/** A decoded ERR packet. */
export interface ErrPacket {
  code: number;
  sqlState: string;
  message: string;
}

/** Append an OK_Packet. */
export function writeOk(out: PacketOutput, options: OkOptions): void {
  out.beginPacket();
  writeOkPayload(out, options);
  out.endPacket();
}

/** OK_Packet payload. */
export function encodeOk(options: OkOptions): Uint8Array {
  const w = new PacketWriter(32);
  writeOkPayload(w, options);
  return w.take();
}

/** Write the OK_Packet fields into any writer. */
export function writeOkPayload(w: PacketWriter, o: OkOptions): void {
  w.int1(o.header ?? 0x00); // header
  w.lenencInt(o.affectedRows ?? 0); // affected rows
  w.lenencInt(o.lastInsertId ?? 0); // last insert id
  w.int2(o.statusFlags); // status flags
  w.int2(o.warnings ?? 0); // warnings
  const info = o.info ?? "";
  if (o.sessionTrack) {
    // MySQL net_send_ok: with CLIENT_SESSION_TRACK the info is string<lenenc>, sent when non-empty.
    if (info !== "") w.lenencString(info);
  } else {
    w.string(info); // info: string<EOF>
  }
}

/** Append an ERR_Packet. */
export function writeErr(out: PacketOutput, options: ErrOptions): void {
  out.beginPacket();
  writeErrPayload(out, options);
  out.endPacket();
}

/** ERR_Packet payload. */
export function encodeErr(options: ErrOptions): Uint8Array {
  const w = new PacketWriter(64);
  writeErrPayload(w, options);
  return w.take();
}

function writeErrPayload(w: PacketWriter, o: ErrOptions): void {
  w.int1(0xff); // header
  w.int2(o.code); // error code
  if (o.protocol41 ?? true) {
    w.int1(0x23); // SQL state marker '#'
    w.string(o.sqlState.padEnd(5, "0").slice(0, 5)); // SQL state
  }
  w.string(o.message); // error message: string<EOF>
}

/** Append an EOF_Packet. */
export function writeEof(out: PacketOutput, statusFlags: number, warnings = 0): void {
  out.beginPacket();
  out.int1(0xfe); // header
  out.int2(warnings); // warnings
  out.int2(statusFlags); // status flags
  out.endPacket();
}

/** EOF_Packet payload. */
export function encodeEof(statusFlags: number, warnings = 0): Uint8Array {
  const w = new PacketWriter(5);
  w.int1(0xfe);
  w.int2(warnings);
  w.int2(statusFlags);
  return w.take();
}

/** Decode an OK_Packet (header 0x00 or 0xFE) without session tracking. */
export function decodeOk(payload: Uint8Array): OkPacket {
  const r = new PacketReader(payload);
  const header = r.int1();
  if (header !== 0x00 && header !== 0xfe) {
    throw new ProtocolError("malformed", `Cannot decode OK: header is 0x${header.toString(16)}`);
  }
  return {
    header,
    affectedRows: r.lenencInt(),
    lastInsertId: r.lenencInt(),
    statusFlags: r.int2(),
    warnings: r.int2(),
    info: r.restString(),
  };
}

/** Decode a CLIENT_PROTOCOL_41 ERR_Packet. */
export function decodeErr(payload: Uint8Array): ErrPacket {
  const r = new PacketReader(payload);
  const header = r.int1();
  if (header !== 0xff) {
    throw new ProtocolError("malformed", `Cannot decode ERR: header is 0x${header.toString(16)}`);
  }
  const code = r.int2();
  let sqlState = "HY000";
  if (!r.atEnd && r.peekInt1() === 0x23) {
    r.skip(1);
    sqlState = r.fixedString(5);
  }
  return { code, sqlState, message: r.restString() };
}
