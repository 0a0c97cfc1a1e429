/** CAST(x AS type) and CONVERT(x, type) with MySQL's conversions. */

import type { FunctionHost } from "./function_host.ts";
import { encodeBinaryText, textOf } from "./column_values.ts";
import {
  formatDate,
  formatDateTime,
  formatTime,
  parseDateTime,
  parseTime,
  validDate,
} from "./mysql_time.ts";

function leadingNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(textOf(v));
  return m ? Number(m[0]) : 0;
}

function toSigned(v: unknown): number | bigint {
  if (typeof v === "bigint") return v;
  const s = textOf(v).trim();
  if (/^[+-]?\d+$/.test(s) && s.length > 15) return BigInt.asIntN(64, BigInt(s));
  const n = leadingNumber(v);
  return Math.sign(n) * Math.round(Math.abs(n));
}

/** The value of `v` cast to the MySQL type text `type` (e.g. "SIGNED", "DECIMAL(10,2)"). */
export function castValue(v: unknown, type: string, host: FunctionHost): unknown {
  if (v === null || v === undefined) return null;
  const m = /^([A-Z]+)(?: INTEGER| INT)?(?:\((\d+)(?:,(\d+))?\))?/.exec(type);
  const base = m?.[1] ?? type;
  const a = m?.[2] === undefined ? null : Number(m[2]);
  const b = m?.[3] === undefined ? null : Number(m[3]);
  switch (base) {
    case "SIGNED":
    case "INTEGER":
      return toSigned(v);
    case "UNSIGNED": {
      const n = toSigned(v);
      const u = BigInt.asUintN(64, BigInt(n));
      return u <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(u) : u;
    }
    case "DECIMAL": {
      const scale = b ?? 0;
      const f = 10 ** scale;
      return (Math.sign(leadingNumber(v)) * Math.round(Math.abs(leadingNumber(v)) * f) / f).toFixed(
        scale,
      );
    }
    case "DOUBLE":
    case "FLOAT":
    case "REAL":
      return leadingNumber(v);
    case "CHAR":
    case "NCHAR":
    case "VARCHAR": {
      const s = textOf(v);
      return a === null ? s : [...s].slice(0, a).join("");
    }
    case "BINARY":
      return v instanceof Uint8Array ? v : encodeBinaryText(textOf(v));
    case "DATE":
    case "DATETIME": {
      const p = parseDateTime(textOf(v));
      if (!p || !validDate(p, true)) {
        host.warn(1292, `Incorrect datetime value: '${textOf(v)}'`);
        return null;
      }
      return base === "DATE" ? formatDate(p) : formatDateTime(p, a ?? 0);
    }
    case "TIME": {
      const us = parseTime(textOf(v));
      return us === null ? null : formatTime(us, a ?? 0);
    }
    case "JSON":
      return textOf(v);
  }
  return v;
}
