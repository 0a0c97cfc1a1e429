/**
 * MySQL's temporal values in text form: parsing 'YYYY-MM-DD HH:MM:SS[.ffffff]' (and the
 * shorter and numeric forms MySQL accepts), formatting them back, and interval arithmetic.
 * Times are in the server's local time zone, as MySQL's SYSTEM time zone is.
 */

/** A broken-down DATETIME. */
export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether the parts form a valid date (zero dates allowed only when `allowZero`). */
export function validDate(p: DateTimeParts, allowZero = false): boolean {
  if (p.year === 0 && p.month === 0 && p.day === 0) return allowZero;
  if (p.month < 1 || p.month > 12 || p.day < 1) return false;
  if (p.day > daysInMonth(p.year, p.month)) return false;
  return p.hour < 24 && p.minute < 60 && p.second < 60;
}

const DATETIME_RE =
  /^(\d{4}|\d{2})[-/.:](\d{1,2})[-/.:](\d{1,2})(?:[T ]+(\d{1,2})(?:[:.](\d{1,2})(?:[:.](\d{1,2})(?:\.(\d{0,6})\d*)?)?)?)?$/;

/** Parse a DATE / DATETIME value as MySQL accepts it, or null when it is not one. */
export function parseDateTime(value: string | number | bigint): DateTimeParts | null {
  const s = String(value).trim();
  let m = DATETIME_RE.exec(s);
  if (!m && /^\d{8}(\d{6}(\.\d+)?)?$/.test(s)) {
    // YYYYMMDD[HHMMSS[.ffffff]]
    m = [
      s,
      s.slice(0, 4),
      s.slice(4, 6),
      s.slice(6, 8),
      s.slice(8, 10) || undefined,
      s.slice(10, 12) || undefined,
      s.slice(12, 14) || undefined,
      s.length > 15 ? s.slice(15, 21) : undefined,
    ] as unknown as RegExpExecArray;
  }
  if (!m) return null;
  let year = Number(m[1]);
  if (m[1]!.length === 2) year += year < 70 ? 2000 : 1900;
  return {
    year,
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    micro: m[7] ? Number(m[7].padEnd(6, "0")) : 0,
  };
}

/** 'YYYY-MM-DD'. */
export function formatDate(p: DateTimeParts): string {
  return `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`;
}

/** 'YYYY-MM-DD HH:MM:SS[.f]' with `fsp` fractional digits. */
export function formatDateTime(p: DateTimeParts, fsp = 0): string {
  const base = `${formatDate(p)} ${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
  return fsp > 0 ? `${base}.${pad(p.micro, 6).slice(0, fsp)}` : base;
}

/** Parts of a JS Date in local time. */
export function partsOf(d: Date): DateTimeParts {
  return {
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    hour: d.getHours(),
    minute: d.getMinutes(),
    second: d.getSeconds(),
    micro: d.getMilliseconds() * 1000,
  };
}

/** Parts of a JS Date in UTC. */
export function utcPartsOf(d: Date): DateTimeParts {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    micro: d.getUTCMilliseconds() * 1000,
  };
}

/** The local-time JS Date of parts. */
export function dateOf(p: DateTimeParts): Date {
  return new Date(
    p.year,
    p.month - 1,
    p.day,
    p.hour,
    p.minute,
    p.second,
    Math.floor(p.micro / 1000),
  );
}

/** Days since 0000-00-00 as MySQL's TO_DAYS counts them. */
export function toDays(p: DateTimeParts): number {
  const ms = Date.UTC(p.year, p.month - 1, p.day);
  // 719528 is TO_DAYS('1970-01-01').
  return Math.round(ms / 86400000) + 719528;
}

/** Parse a TIME value ('[-]HHH:MM:SS[.f]', 'HHMMSS', seconds) into signed microseconds. */
export function parseTime(value: string | number | bigint): number | null {
  const s = String(value).trim();
  let m = /^(-)?(?:(\d+) )?(\d+):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,6})\d*)?)?$/.exec(s);
  if (m) {
    const days = Number(m[2] ?? 0);
    const total = ((days * 24 + Number(m[3])) * 60 + Number(m[4])) * 60 + Number(m[5] ?? 0);
    const us = total * 1e6 + (m[6] ? Number(m[6].padEnd(6, "0")) : 0);
    return m[1] ? -us : us;
  }
  m = /^(-)?(\d+)(?:\.(\d{0,6})\d*)?$/.exec(s);
  if (m) {
    const n = m[2]!.padStart(6, "0");
    const h = Number(n.slice(0, -4));
    const mi = Number(n.slice(-4, -2));
    const se = Number(n.slice(-2));
    if (mi > 59 || se > 59) return null;
    const us = ((h * 60 + mi) * 60 + se) * 1e6 + (m[3] ? Number(m[3].padEnd(6, "0")) : 0);
    return m[1] ? -us : us;
  }
  const dt = parseDateTime(s);
  if (dt && s.includes(" ")) return ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1e6 + dt.micro;
  return null;
}

/** Format signed microseconds as TIME text. */
export function formatTime(us: number, fsp = 0): string {
  const neg = us < 0;
  let a = Math.abs(us);
  const micro = a % 1e6;
  a = Math.floor(a / 1e6);
  const s = a % 60;
  const m = Math.floor(a / 60) % 60;
  const h = Math.floor(a / 3600);
  const base = `${neg ? "-" : ""}${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`;
  return fsp > 0 ? `${base}.${pad(micro, 6).slice(0, fsp)}` : base;
}

/** Add `amount` `unit`s (DATE_ADD's units) to a datetime; null when the result is invalid. */
export function addInterval(
  p: DateTimeParts,
  amount: string,
  unit: string,
  sign: number,
): DateTimeParts | null {
  const nums = amount.trim().split(/[^0-9.]+/).filter((x) => x !== "").map(Number);
  const neg = amount.trim().startsWith("-") ? -1 : 1;
  const s = sign * neg;
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, 0));
  let micro = p.micro;
  const n = (k: number) => s * (nums[k] ?? 0);
  switch (unit) {
    case "YEAR":
    case "QUARTER":
    case "MONTH":
    case "YEAR_MONTH": {
      const months = unit === "YEAR"
        ? n(0) * 12
        : unit === "QUARTER"
        ? n(0) * 3
        : unit === "MONTH"
        ? n(0)
        : n(0) * 12 + n(1);
      const total = p.year * 12 + (p.month - 1) + months;
      const year = Math.floor(total / 12);
      const month = total - year * 12 + 1;
      // MySQL clips the day to the end of the month: 2024-01-31 + 1 MONTH = 2024-02-29.
      const day = Math.min(p.day, daysInMonth(year, month));
      return { ...p, year, month, day };
    }
    case "WEEK":
      d.setUTCDate(d.getUTCDate() + n(0) * 7);
      break;
    default: {
      const seconds = intervalSeconds(unit, nums, s);
      if (seconds === null) return null;
      const totalMicro = micro + Math.round((seconds % 1) * 1e6);
      d.setUTCSeconds(d.getUTCSeconds() + Math.trunc(seconds) + Math.floor(totalMicro / 1e6));
      micro = ((totalMicro % 1e6) + 1e6) % 1e6;
    }
  }
  return { ...utcPartsOf(d), micro };
}

function intervalSeconds(unit: string, nums: number[], s: number): number | null {
  const v = (k: number) => nums[k] ?? 0;
  const table: Record<string, () => number> = {
    MICROSECOND: () => v(0) / 1e6,
    SECOND: () => v(0),
    MINUTE: () => v(0) * 60,
    HOUR: () => v(0) * 3600,
    DAY: () => v(0) * 86400,
    MINUTE_SECOND: () => v(0) * 60 + v(1),
    HOUR_MINUTE: () => v(0) * 3600 + v(1) * 60,
    HOUR_SECOND: () => v(0) * 3600 + v(1) * 60 + v(2),
    DAY_HOUR: () => v(0) * 86400 + v(1) * 3600,
    DAY_MINUTE: () => v(0) * 86400 + v(1) * 3600 + v(2) * 60,
    DAY_SECOND: () => v(0) * 86400 + v(1) * 3600 + v(2) * 60 + v(3),
    SECOND_MICROSECOND: () => v(0) + v(1) / 1e6,
  };
  const f = table[unit];
  return f ? s * f() : null;
}
