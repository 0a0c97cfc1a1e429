/**
 * MySQL's built-in functions, registered on a SQLite connection as `mysql_<name>` (and
 * `regexp`). Session functions (DATABASE(), LAST_INSERT_ID(), ...) ask the `FunctionHost` of
 * whichever session is running on the connection. Date functions are in date_functions.ts.
 */

import { PROCESSLIST_FUNCTION } from "../store/information_schema_views.ts";
import type { FunctionGuard } from "./function_guard.ts";
import { createHash } from "node:crypto";
import type { FunctionHost } from "./function_host.ts";
import { textOf } from "./column_values.ts";
import { registerDateFunctions } from "./date_functions.ts";
import { castValue } from "./cast_value.ts";

type Fn = (...args: unknown[]) => unknown;
const encoder = new TextEncoder();

function str(v: unknown): string {
  return textOf(v);
}

function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(str(v));
  return m ? Number(m[0]) : 0;
}

function anyNull(args: unknown[]): boolean {
  for (const a of args) if (a === null || a === undefined) return true;
  return false;
}

/** Wrap a function so any NULL argument gives NULL, as most MySQL functions do. */
function nullSafe(f: Fn): Fn {
  return (...args) => (anyNull(args) ? null : f(...args));
}

function substring(s: string, pos: number, len?: number): string {
  const chars = [...s];
  if (pos === 0) return "";
  const start = pos > 0 ? pos - 1 : chars.length + pos;
  if (start < 0) return "";
  return chars.slice(start, len === undefined ? undefined : start + Math.max(0, len)).join("");
}

function substringIndex(s: string, delim: string, count: number): string {
  if (count === 0 || delim === "") return "";
  const parts = s.split(delim);
  if (count > 0) return parts.slice(0, count).join(delim);
  return parts.slice(Math.max(0, parts.length + count)).join(delim);
}

function round(x: unknown, d: unknown = 0): unknown {
  const digits = Math.trunc(num(d));
  if (typeof x === "bigint") return x;
  const n = num(x);
  const f = 10 ** digits;
  const r = Math.sign(n) * Math.round(Math.abs(n) * f) / f;
  return Number.isInteger(n) && digits >= 0 ? n : r;
}

function truncate(x: unknown, d: unknown): number {
  const f = 10 ** Math.trunc(num(d));
  return Math.trunc(num(x) * f) / f;
}

function pad(left: boolean): Fn {
  return nullSafe((s, n, p) => {
    const chars = [...str(s)];
    const len = Math.trunc(num(n));
    if (len < 0) return null;
    if (chars.length >= len) return chars.slice(0, len).join("");
    const fill = [...str(p)];
    if (fill.length === 0) return null;
    const need = len - chars.length;
    const padding: string[] = [];
    while (padding.length < need) padding.push(fill[padding.length % fill.length]!);
    return left ? padding.join("") + chars.join("") : chars.join("") + padding.join("");
  });
}

function hex(v: unknown): string {
  if (typeof v === "number" || typeof v === "bigint") {
    return BigInt.asUintN(64, BigInt(Math.trunc(Number(v)))).toString(16).toUpperCase();
  }
  const b = v instanceof Uint8Array ? v : encoder.encode(str(v));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("").toUpperCase();
}

function unhex(v: unknown): Uint8Array | null {
  const s = str(v);
  if (!/^[0-9a-fA-F]*$/.test(s)) return null;
  const h = s.length % 2 ? "0" + s : s;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function digest(alg: string): Fn {
  return nullSafe((v) => {
    const data = v instanceof Uint8Array ? v : encoder.encode(str(v));
    return createHash(alg).update(data).digest("hex");
  });
}

function sha2(v: unknown, bits: unknown): string | null {
  if (v === null || bits === null) return null;
  const b = num(bits);
  const alg = b === 0 || b === 256
    ? "sha256"
    : b === 224
    ? "sha224"
    : b === 384
    ? "sha384"
    : b === 512
    ? "sha512"
    : null;
  return alg ? digest(alg)(v) as string : null;
}

function format(x: unknown, d: unknown): string | null {
  if (x === null || d === null) return null;
  const digits = Math.max(0, Math.trunc(num(d)));
  return num(x).toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function stringFunctions(): Record<string, Fn> {
  return {
    concat: (...a) => (anyNull(a) ? null : a.map(str).join("")),
    concat_ws: (
      sep,
      ...a
    ) => (sep === null ? null : a.filter((x) => x !== null).map(str).join(str(sep))),
    length: nullSafe((s) => (s instanceof Uint8Array ? s.length : encoder.encode(str(s)).length)),
    bit_length: nullSafe((s) => 8 * encoder.encode(str(s)).length),
    left: nullSafe((s, n) => [...str(s)].slice(0, Math.max(0, num(n))).join("")),
    right: nullSafe((s, n) => {
      const c = [...str(s)];
      const k = Math.max(0, num(n));
      return k === 0 ? "" : c.slice(-k).join("");
    }),
    substring: (s, p, l) =>
      s === null || p === null || l === null
        ? null
        : substring(str(s), Math.trunc(num(p)), l === undefined ? undefined : Math.trunc(num(l))),
    substring_index: nullSafe((s, d, c) => substringIndex(str(s), str(d), Math.trunc(num(c)))),
    locate: (sub, s, p) => {
      if (sub === null || s === null || p === null) return null;
      const chars = [...str(s)];
      const start = p === undefined ? 0 : Math.trunc(num(p)) - 1;
      if (start < 0) return 0;
      const idx = chars.slice(start).join("").toLowerCase().indexOf(str(sub).toLowerCase());
      return idx < 0 ? 0 : [...chars.slice(start).join("").slice(0, idx)].length + start + 1;
    },
    instr: nullSafe((s, sub) => {
      const idx = str(s).toLowerCase().indexOf(str(sub).toLowerCase());
      return idx < 0 ? 0 : [...str(s).slice(0, idx)].length + 1;
    }),
    lpad: pad(true),
    rpad: pad(false),
    repeat: nullSafe((s, n) => str(s).repeat(Math.max(0, Math.trunc(num(n))))),
    reverse: nullSafe((s) => [...str(s)].reverse().join("")),
    space: nullSafe((n) => " ".repeat(Math.max(0, Math.trunc(num(n))))),
    ascii: nullSafe((s) => (str(s).length ? encoder.encode(str(s))[0]! : 0)),
    ord: nullSafe((s) => str(s).codePointAt(0) ?? 0),
    char: (...a) => String.fromCharCode(...a.filter((x) => x !== null).map(num)),
    upper: nullSafe((s) => str(s).toUpperCase()),
    lower: nullSafe((s) => str(s).toLowerCase()),
    ltrim: nullSafe((s) => str(s).replace(/^ +/, "")),
    rtrim: nullSafe((s) => str(s).replace(/ +$/, "")),
    trim: (s, r, mode) => {
      if (s === null || r === null) return null;
      let v = str(s);
      const rem = str(r);
      if (rem === "") return v;
      if (mode !== "TRAILING") { while (v.startsWith(rem)) v = v.slice(rem.length); }
      if (mode !== "LEADING") { while (v.endsWith(rem)) v = v.slice(0, v.length - rem.length); }
      return v;
    },
    hex: nullSafe(hex),
    unhex: nullSafe(unhex),
    md5: digest("md5"),
    sha1: digest("sha1"),
    sha2,
    to_base64: nullSafe((s) =>
      btoa(String.fromCharCode(...(s instanceof Uint8Array ? s : encoder.encode(str(s)))))
    ),
    from_base64: nullSafe((s) => Uint8Array.from(atob(str(s)), (c) => c.charCodeAt(0))),
    uuid: () => crypto.randomUUID(),
    format,
    field: (
      x,
      ...a
    ) => (x === null
      ? 0
      : a.findIndex((y) => y !== null && str(y).toLowerCase() === str(x).toLowerCase()) + 1),
    elt: (n, ...a) => (n === null ? null : (a[Math.trunc(num(n)) - 1] ?? null)),
    find_in_set: nullSafe((x, list) =>
      str(list).split(",").findIndex((y) => y.toLowerCase() === str(x).toLowerCase()) + 1
    ),
    strcmp: nullSafe((a, b) => {
      const x = str(a).toLowerCase();
      const y = str(b).toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    }),
    insert: nullSafe((s, p, l, n) => {
      const c = [...str(s)];
      const pos = Math.trunc(num(p));
      if (pos < 1 || pos > c.length) return str(s);
      c.splice(pos - 1, Math.trunc(num(l)), str(n));
      return c.join("");
    }),
    quote: (s) => (s === null ? "NULL" : `'${str(s).replace(/[\\']/g, "\\$&")}'`),
    isnull: (x) => (x === null ? 1 : 0),
    json_unquote: nullSafe((s) => {
      const v = str(s);
      try {
        return v.startsWith('"') ? JSON.parse(v) : v;
      } catch {
        return v;
      }
    }),
    json_type: nullSafe((s) => {
      const v = JSON.parse(str(s));
      return v === null
        ? "NULL"
        : Array.isArray(v)
        ? "ARRAY"
        : typeof v === "object"
        ? "OBJECT"
        : typeof v === "string"
        ? "STRING"
        : typeof v === "boolean"
        ? "BOOLEAN"
        : Number.isInteger(v)
        ? "INTEGER"
        : "DOUBLE";
    }),
    charset: () => "utf8mb4",
    collation: () => "utf8mb4_0900_ai_ci",
    coercibility: () => 4,
    regexp_like: nullSafe((s, p) => (new RegExp(str(p), "i").test(str(s)) ? 1 : 0)),
    regexp_replace: nullSafe((s, p, r) => str(s).replace(new RegExp(str(p), "g"), str(r))),
    crc32: nullSafe((s) => crc32(s instanceof Uint8Array ? s : encoder.encode(str(s)))),
    inet_aton: nullSafe((s) => {
      const p = str(s).split(".").map(Number);
      return p.length === 4 && p.every((x) => x >= 0 && x < 256)
        ? ((p[0]! * 256 + p[1]!) * 256 + p[2]!) * 256 + p[3]!
        : null;
    }),
    inet_ntoa: nullSafe((n) => {
      const v = num(n);
      return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join(".");
    }),
    conv: nullSafe((n, from, to) => {
      const v = parseInt(str(n), num(from));
      return Number.isNaN(v) ? null : v.toString(num(to)).toUpperCase();
    }),
    bin: nullSafe((n) => BigInt.asUintN(64, BigInt(Math.trunc(num(n)))).toString(2)),
    oct: nullSafe((n) => BigInt.asUintN(64, BigInt(Math.trunc(num(n)))).toString(8)),
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  // 1 and 1n, 1.0 and 1 are the same stored value.
  return a === b ||
    (a !== null && b !== null && typeof a !== "string" && typeof b !== "string" &&
      Number(a) === Number(b));
}

let crcTable: Uint32Array | null = null;
function crc32(b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function mathFunctions(): Record<string, Fn> {
  const m1 = (f: (x: number) => number): Fn =>
    nullSafe((x) => {
      const r = f(num(x));
      return Number.isFinite(r) ? r : null;
    });
  return {
    round: (x, d) => (x === null || d === null ? null : round(x, d)),
    truncate: nullSafe(truncate),
    floor: nullSafe((x) => (typeof x === "bigint" ? x : Math.floor(num(x)))),
    ceil: nullSafe((x) => (typeof x === "bigint" ? x : Math.ceil(num(x)))),
    mod: nullSafe((a, b) => {
      if (typeof a === "bigint" && typeof b === "bigint") return b === 0n ? null : a % b;
      const d = num(b);
      return d === 0 ? null : num(a) % d;
    }),
    pow: nullSafe((a, b) => num(a) ** num(b)),
    sqrt: m1((x) => (x < 0 ? NaN : Math.sqrt(x))),
    sign: nullSafe((x) => Math.sign(num(x))),
    abs: nullSafe((x) => (typeof x === "bigint" ? (x < 0n ? -x : x) : Math.abs(num(x)))),
    pi: () => Math.PI,
    exp: m1(Math.exp),
    ln: m1((x) => (x <= 0 ? NaN : Math.log(x))),
    log: (a, b) => {
      if (a === null || b === null) return null;
      const r = b === undefined ? Math.log(num(a)) : Math.log(num(b)) / Math.log(num(a));
      return Number.isFinite(r) ? r : null;
    },
    log2: m1((x) => (x <= 0 ? NaN : Math.log2(x))),
    log10: m1((x) => (x <= 0 ? NaN : Math.log10(x))),
    sin: m1(Math.sin),
    cos: m1(Math.cos),
    tan: m1(Math.tan),
    asin: m1(Math.asin),
    acos: m1(Math.acos),
    atan: (
      a,
      b,
    ) => (a === null ? null : b === undefined ? Math.atan(num(a)) : Math.atan2(num(a), num(b))),
    atan2: nullSafe((a, b) => Math.atan2(num(a), num(b))),
    cot: m1((x) => 1 / Math.tan(x)),
    degrees: m1((x) => (x * 180) / Math.PI),
    radians: m1((x) => (x * Math.PI) / 180),
    rand: () => Math.random(),
  };
}

function sessionFunctions(host: () => FunctionHost): Record<string, Fn> {
  return {
    database: () => host().database(),
    user: () => host().user(),
    current_user: () => host().currentUser(),
    version: () => host().version(),
    connection_id: () => host().connectionId(),
    last_insert_id: (
      ...a
    ) => (a.length
      ? host().lastInsertId(a[0] === null ? 0 : BigInt(Math.trunc(num(a[0]))))
      : host().lastInsertId()),
    row_count: () => host().rowCount(),
    found_rows: () => host().foundRows(),
    sleep: (s) => host().sleep(num(s)),
    benchmark: () => 0,
    getvar: (n) => host().getUserVar(str(n)),
    setvar: (n, v) => {
      host().setUserVar(str(n), v as never);
      return v;
    },
    store: (v, spec, row) => host().store(v, Number(spec), Number(row)),
    track: (rowid, old, now) => {
      host().track(rowid, !sameValue(old, now));
      return now;
    },
    upsert_hit: () => {
      host().upsertHit();
      return 1;
    },
    cast: (v, type) => castValue(v, str(type), host()),
    get_lock: (n, t) => host().getLock(lockName(n), t === null ? 0 : num(t)),
    release_lock: (n) => host().releaseLock(lockName(n)),
    is_free_lock: (n) => host().isFreeLock(lockName(n)),
    is_used_lock: (n) => host().isUsedLock(lockName(n)),
    release_all_locks: () => host().releaseAllLocks(),
    uuid_short: () => Date.now(),
  };
}

/** A lock name argument as text (NULL stays null: 3057). */
function lockName(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

/** The function the rewriter puts in every scan's WHERE (sql_rewriter.ts `scanCheck`). */
export const SCAN_CHECK_FUNCTION = "mydeno_check";

/** Register every MySQL function on `db`; session functions ask `host()`. */
export function registerMysqlFunctions(guard: FunctionGuard, host: () => FunctionHost): void {
  const deterministic = { ...stringFunctions(), ...mathFunctions() };
  for (const [name, f] of Object.entries(deterministic)) {
    const volatile = name === "rand" || name === "uuid";
    guard.register(`mysql_${name}`, { varargs: true, deterministic: !volatile }, f as never);
  }
  for (const [name, f] of Object.entries(sessionFunctions(host))) {
    guard.register(`mysql_${name}`, { varargs: true, deterministic: false }, f as never);
  }
  registerDateFunctions(guard, host);
  // Called for one row in 4096 of each base-table scan: its error (or, inside all(), the
  // abs() overflow of SCAN_ABORT) aborts the statement, which is how a long statement is
  // killed (node:sqlite has no interrupt or progress API).
  guard.register(
    SCAN_CHECK_FUNCTION,
    { deterministic: false },
    () => guard.scanCheck(() => host().checkInterrupt()),
  );
  guard.register(
    PROCESSLIST_FUNCTION,
    { deterministic: false },
    () => host().processListJson(),
  );
  guard.register(
    "regexp",
    { deterministic: true },
    ((p: unknown, s: unknown) => {
      if (p === null || s === null) return null;
      return new RegExp(str(p), "i").test(str(s)) ? 1 : 0;
    }) as never,
  );
}
