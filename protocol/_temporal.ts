/**
 * Binary-protocol DATE/DATETIME/TIMESTAMP and TIME values (ProtocolBinary::MYSQL_TYPE_DATETIME,
 * ProtocolBinary::MYSQL_TYPE_TIME) to and from MySQL's text forms.
 */

import type { PacketReader } from "./packet_reader.ts";
import type { PacketWriter } from "./packet_writer.ts";
import { ProtocolError } from "./protocol_error.ts";

const DATETIME_TEXT =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{0,6}))?)?$/;
const TIME_TEXT = /^(-)?(\d+):(\d{1,2}):(\d{1,2})(?:\.(\d{0,6}))?$/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return String(n).padStart(4, "0");
}

function micros(s: string | undefined): number {
  return s ? Number(s.padEnd(6, "0")) : 0;
}

/**
 * Read a length-prefixed DATE/DATETIME/TIMESTAMP (length 0, 4, 7 or 11) as text:
 * "YYYY-MM-DD" when `dateOnly` and the time is zero, else "YYYY-MM-DD hh:mm:ss" plus
 * ".ffffff" when the length is 11.
 */
export function readDateTime(r: PacketReader, dateOnly: boolean): string {
  const len = r.int1();
  if (len !== 0 && len !== 4 && len !== 7 && len !== 11) {
    throw new ProtocolError("malformed", `Cannot read DATETIME: length ${len}`);
  }
  r.need(len, "DATETIME");
  const year = len ? r.int2() : 0;
  const month = len ? r.int1() : 0;
  const day = len ? r.int1() : 0;
  const hour = len >= 7 ? r.int1() : 0;
  const minute = len >= 7 ? r.int1() : 0;
  const second = len >= 7 ? r.int1() : 0;
  const micro = len === 11 ? r.int4() : 0;
  const date = `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
  if (dateOnly && !(hour || minute || second || micro)) return date;
  const time = `${date} ${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
  return len === 11 ? `${time}.${String(micro).padStart(6, "0")}` : time;
}

/** Read a length-prefixed TIME (length 0, 8 or 12) as "[-]hh:mm:ss[.ffffff]" (hours may exceed 24). */
export function readTime(r: PacketReader): string {
  const len = r.int1();
  if (len !== 0 && len !== 8 && len !== 12) {
    throw new ProtocolError("malformed", `Cannot read TIME: length ${len}`);
  }
  if (len === 0) return "00:00:00";
  r.need(len, "TIME");
  const negative = r.int1() === 1;
  const hours = r.int4() * 24 + r.int1();
  const minute = r.int1();
  const second = r.int1();
  const text = `${negative ? "-" : ""}${pad2(hours)}:${pad2(minute)}:${pad2(second)}`;
  return len === 12 ? `${text}.${String(r.int4()).padStart(6, "0")}` : text;
}

/**
 * Write "YYYY-MM-DD[ hh:mm:ss[.ffffff]]" in the compact binary form: length 0 for the zero
 * date, 4 without a time, 7 without microseconds, else 11 (MySQL Protocol_binary::store_datetime).
 */
export function writeDateTime(w: PacketWriter, text: string): void {
  const m = DATETIME_TEXT.exec(text);
  if (!m) throw new ProtocolError("malformed", `Cannot encode DATETIME: "${text}"`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const micro = micros(m[7]);
  const len = micro ? 11 : hour || minute || second ? 7 : year || month || day ? 4 : 0;
  w.int1(len);
  if (len === 0) return;
  w.int2(year!);
  w.int1(month!);
  w.int1(day!);
  if (len === 4) return;
  w.int1(hour!);
  w.int1(minute!);
  w.int1(second!);
  if (len === 11) w.int4(micro);
}

/** Write "[-]h:mm:ss[.ffffff]" in the compact binary form: length 0, 8 or 12. */
export function writeTime(w: PacketWriter, text: string): void {
  const m = TIME_TEXT.exec(text);
  if (!m) throw new ProtocolError("malformed", `Cannot encode TIME: "${text}"`);
  const hours = Number(m[2]);
  const minute = Number(m[3]);
  const second = Number(m[4]);
  const micro = micros(m[5]);
  const len = micro ? 12 : hours || minute || second ? 8 : 0;
  w.int1(len);
  if (len === 0) return;
  w.int1(m[1] ? 1 : 0); // is_negative
  w.int4(Math.floor(hours / 24)); // days
  w.int1(hours % 24);
  w.int1(minute);
  w.int1(second);
  if (len === 12) w.int4(micro);
}
