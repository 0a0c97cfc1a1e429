/** MySQL's date and time functions, registered as `mysql_<name>` on a SQLite connection. */

import type { FunctionGuard } from "./function_guard.ts";
import type { FunctionHost } from "./function_host.ts";
import {
  addInterval,
  dateOf,
  type DateTimeParts,
  formatDate,
  formatDateTime,
  formatTime,
  parseDateTime,
  parseTime,
  partsOf,
  toDays,
  utcPartsOf,
  validDate,
} from "./mysql_time.ts";
import { textOf } from "./column_values.ts";

type Fn = (...args: unknown[]) => unknown;

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function dt(v: unknown): DateTimeParts | null {
  if (v === null || v === undefined) return null;
  const p = parseDateTime(textOf(v));
  return p && validDate(p, true) ? p : null;
}

/** A function of one date argument; NULL for NULL or invalid dates. */
function onDate(f: (p: DateTimeParts) => unknown): Fn {
  return (v) => {
    const p = dt(v);
    return p ? f(p) : null;
  };
}

function weekday(p: DateTimeParts): number {
  return new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
}

function dayOfYear(p: DateTimeParts): number {
  return (Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86400000 + 1;
}

/** WEEK(d, 0): weeks starting Sunday, week 0 before the first Sunday. */
function week(p: DateTimeParts): number {
  const firstSunday = (7 - new Date(Date.UTC(p.year, 0, 1)).getUTCDay()) % 7;
  const doy = dayOfYear(p) - 1;
  return doy < firstSunday ? 0 : Math.floor((doy - firstSunday) / 7) + 1;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

const FORMAT: Record<string, (p: DateTimeParts) => string> = {
  Y: (p) => pad(p.year, 4),
  y: (p) => pad(p.year % 100),
  m: (p) => pad(p.month),
  c: (p) => String(p.month),
  d: (p) => pad(p.day),
  e: (p) => String(p.day),
  H: (p) => pad(p.hour),
  k: (p) => String(p.hour),
  h: (p) => pad(p.hour % 12 || 12),
  I: (p) => pad(p.hour % 12 || 12),
  l: (p) => String(p.hour % 12 || 12),
  i: (p) => pad(p.minute),
  s: (p) => pad(p.second),
  S: (p) => pad(p.second),
  f: (p) => pad(p.micro, 6),
  p: (p) => (p.hour < 12 ? "AM" : "PM"),
  M: (p) => MONTH_NAMES[p.month - 1] ?? "",
  b: (p) => (MONTH_NAMES[p.month - 1] ?? "").slice(0, 3),
  W: (p) => DAY_NAMES[weekday(p)]!,
  a: (p) => DAY_NAMES[weekday(p)]!.slice(0, 3),
  w: (p) => String(weekday(p)),
  j: (p) => pad(dayOfYear(p), 3),
  U: (p) => pad(week(p)),
  T: (p) => `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`,
  r: (p) =>
    `${pad(p.hour % 12 || 12)}:${pad(p.minute)}:${pad(p.second)} ${p.hour < 12 ? "AM" : "PM"}`,
  D: (p) => {
    const d = p.day;
    const suffix = d % 10 === 1 && d !== 11
      ? "st"
      : d % 10 === 2 && d !== 12
      ? "nd"
      : d % 10 === 3 && d !== 13
      ? "rd"
      : "th";
    return `${d}${suffix}`;
  },
};

function dateFormat(v: unknown, f: unknown): string | null {
  const p = dt(v);
  if (!p || f === null) return null;
  return textOf(f).replace(/%(.)/g, (_m, c: string) => (FORMAT[c] ? FORMAT[c]!(p) : c));
}

function strToDate(s: unknown, f: unknown): string | null {
  if (s === null || f === null) return null;
  const fmt = textOf(f);
  let re = "^";
  const fields: string[] = [];
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] === "%" && i + 1 < fmt.length) {
      const c = fmt[++i]!;
      fields.push(c);
      re += c === "M" || c === "b" || c === "W" || c === "a" || c === "p"
        ? "([A-Za-z]+)"
        : "(\\d+)";
    } else re += fmt[i]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  const m = new RegExp(re).exec(textOf(s).trim());
  if (!m) return null;
  const p: DateTimeParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micro: 0 };
  let pm = false;
  fields.forEach((c, k) => {
    const v = m[k + 1]!;
    if (c === "Y") p.year = Number(v);
    else if (c === "y") p.year = 2000 + Number(v) - (Number(v) >= 70 ? 100 : 0);
    else if (c === "m" || c === "c") p.month = Number(v);
    else if (c === "M" || c === "b") {
      p.month = MONTH_NAMES.findIndex((n) => n.toLowerCase().startsWith(v.toLowerCase())) + 1;
    } else if (c === "d" || c === "e") p.day = Number(v);
    else if (c === "H" || c === "k" || c === "h" || c === "I" || c === "l") p.hour = Number(v);
    else if (c === "i") p.minute = Number(v);
    else if (c === "s" || c === "S") p.second = Number(v);
    else if (c === "f") p.micro = Number(v.padEnd(6, "0"));
    else if (c === "p") pm = v.toUpperCase() === "PM";
  });
  if (pm && p.hour < 12) p.hour += 12;
  const hasTime = fields.some((c) => "HkhIlisSfT".includes(c));
  return hasTime ? formatDateTime(p, p.micro ? 6 : 0) : formatDate(p);
}

function dateAdd(sign: number): Fn {
  return (d, amount, unit) => {
    const p = dt(d);
    if (!p || amount === null) return null;
    const r = addInterval(p, textOf(amount), textOf(unit), sign);
    if (!r) return null;
    const hasTime = textOf(d).trim().length > 10 ||
      !["DAY", "WEEK", "MONTH", "QUARTER", "YEAR", "YEAR_MONTH"].includes(textOf(unit));
    return hasTime ? formatDateTime(r, r.micro ? 6 : 0) : formatDate(r);
  };
}

function timestampDiff(unit: unknown, a: unknown, b: unknown): number | null {
  const x = dt(a);
  const y = dt(b);
  if (!x || !y) return null;
  const u = textOf(unit);
  if (u === "MONTH" || u === "QUARTER" || u === "YEAR") {
    let months = (y.year - x.year) * 12 + (y.month - x.month);
    const rest = (
      p: DateTimeParts,
    ) => ((((p.day * 24 + p.hour) * 60 + p.minute) * 60 + p.second) * 1e6 + p.micro);
    if (months > 0 && rest(y) < rest(x)) months--;
    if (months < 0 && rest(y) > rest(x)) months++;
    return Math.trunc(months / (u === "YEAR" ? 12 : u === "QUARTER" ? 3 : 1));
  }
  const us = (dateOf(y).getTime() - dateOf(x).getTime()) * 1000 + (y.micro % 1000) -
    (x.micro % 1000);
  const per: Record<string, number> = {
    MICROSECOND: 1,
    SECOND: 1e6,
    MINUTE: 6e7,
    HOUR: 3.6e9,
    DAY: 8.64e10,
    WEEK: 6.048e11,
  };
  return Math.trunc(us / (per[u] ?? 1e6));
}

function nowFunctions(host: () => FunctionHost): Record<string, Fn> {
  const fsp = (v: unknown) => (v === undefined || v === null ? 0 : Math.trunc(Number(v)));
  return {
    now: (f) => formatDateTime(partsOf(host().now()), fsp(f)),
    curdate: () => formatDate(partsOf(host().now())),
    curtime: (f) => {
      const p = partsOf(host().now());
      return formatTime(((p.hour * 60 + p.minute) * 60 + p.second) * 1e6 + p.micro, fsp(f));
    },
    utc_timestamp: (f) => formatDateTime(utcPartsOf(host().now()), fsp(f)),
    utc_date: () => formatDate(utcPartsOf(host().now())),
    utc_time: () => formatDateTime(utcPartsOf(host().now())).slice(11),
    unix_timestamp: (v) => {
      if (v === undefined) return Math.floor(host().now().getTime() / 1000);
      const p = dt(v);
      if (!p) return null;
      const t = dateOf(p).getTime() / 1000;
      return p.micro ? t + (p.micro % 1000) / 1e6 : t;
    },
  };
}

/** Register the date functions on `db`. */
export function registerDateFunctions(guard: FunctionGuard, host: () => FunctionHost): void {
  const fns: Record<string, Fn> = {
    date_format: dateFormat,
    str_to_date: strToDate,
    date_add: dateAdd(1),
    date_sub: dateAdd(-1),
    timestampdiff: timestampDiff,
    timestampadd: (unit, n, d) => dateAdd(1)(d, n, unit),
    datediff: (a, b) => {
      const x = dt(a);
      const y = dt(b);
      return x && y ? toDays(x) - toDays(y) : null;
    },
    timediff: (a, b) => {
      const x = parseTime(textOf(a));
      const y = parseTime(textOf(b));
      if (a === null || b === null) return null;
      const da = dt(a);
      const db2 = dt(b);
      if (da && db2 && textOf(a).includes("-")) {
        return formatTime(
          (dateOf(da).getTime() - dateOf(db2).getTime()) * 1000 + (da.micro % 1000) -
            (db2.micro % 1000),
        );
      }
      return x === null || y === null ? null : formatTime(x - y);
    },
    from_unixtime: (t, f) => {
      if (t === null) return null;
      const n = Number(t);
      const p = partsOf(new Date(Math.floor(n * 1000)));
      const s = Number.isInteger(n)
        ? formatDateTime(p)
        : formatDateTime({ ...p, micro: Math.round((n % 1) * 1e6) }, 6);
      return f === undefined ? s : dateFormat(s, f);
    },
    year: onDate((p) => p.year),
    month: onDate((p) => p.month),
    day: onDate((p) => p.day),
    hour: (v) => {
      const us = v === null ? null : parseTime(textOf(v));
      return us === null ? null : Math.floor(Math.abs(us) / 3.6e9);
    },
    minute: (v) => {
      const us = v === null ? null : parseTime(textOf(v));
      return us === null ? null : Math.floor(Math.abs(us) / 6e7) % 60;
    },
    second: (v) => {
      const us = v === null ? null : parseTime(textOf(v));
      return us === null ? null : Math.floor(Math.abs(us) / 1e6) % 60;
    },
    microsecond: (v) => {
      const us = v === null ? null : parseTime(textOf(v));
      return us === null ? null : Math.abs(us) % 1e6;
    },
    dayofweek: onDate((p) => weekday(p) + 1),
    weekday: onDate((p) => (weekday(p) + 6) % 7),
    dayofyear: onDate(dayOfYear),
    dayname: onDate((p) => DAY_NAMES[weekday(p)]),
    monthname: onDate((p) => MONTH_NAMES[p.month - 1]),
    quarter: onDate((p) => Math.ceil(p.month / 3)),
    week: onDate(week),
    yearweek: onDate((p) => p.year * 100 + week(p)),
    last_day: onDate((p) =>
      formatDate({ ...p, day: new Date(Date.UTC(p.year, p.month, 0)).getUTCDate() })
    ),
    to_days: onDate(toDays),
    from_days: (
      n,
    ) => (n === null ? null : formatDate(utcPartsOf(new Date((Number(n) - 719528) * 86400000)))),
    makedate: (
      y,
      d,
    ) => (y === null || d === null
      ? null
      : formatDate(utcPartsOf(new Date(Date.UTC(Number(y), 0, Number(d)))))),
    date: onDate((p) => formatDate(p)),
    time: (v) => {
      const us = v === null ? null : parseTime(textOf(v));
      return us === null ? null : formatTime(us);
    },
    timestamp: onDate((p) => formatDateTime(p, p.micro ? 6 : 0)),
    sec_to_time: (s) => (s === null ? null : formatTime(Number(s) * 1e6)),
    time_to_sec: (t) => {
      const us = t === null ? null : parseTime(textOf(t));
      return us === null ? null : Math.trunc(us / 1e6);
    },
    extract: (unit, v) => extract(textOf(unit), v),
    ...nowFunctions(host),
  };
  for (const [name, f] of Object.entries(fns)) {
    const volatile = name in nowFunctions(host);
    guard.register(`mysql_${name}`, { varargs: true, deterministic: !volatile }, f as never);
  }
}

function extract(unit: string, v: unknown): number | null {
  const p = dt(v);
  if (!p) return null;
  const table: Record<string, number> = {
    YEAR: p.year,
    MONTH: p.month,
    DAY: p.day,
    HOUR: p.hour,
    MINUTE: p.minute,
    SECOND: p.second,
    MICROSECOND: p.micro,
    QUARTER: Math.ceil(p.month / 3),
    WEEK: week(p),
    YEAR_MONTH: p.year * 100 + p.month,
    DAY_HOUR: p.day * 100 + p.hour,
    HOUR_MINUTE: p.hour * 100 + p.minute,
    MINUTE_SECOND: p.minute * 100 + p.second,
    DAY_SECOND: ((p.day * 100 + p.hour) * 100 + p.minute) * 100 + p.second,
  };
  return table[unit] ?? null;
}
