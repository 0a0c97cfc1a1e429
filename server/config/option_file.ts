/**
 * Option files in MySQL's my.cnf format (MySQL manual "Using Option Files",
 * mysys/my_default.cc):
 *
 *     # comment            ; comment
 *     [mysqld]             group header; only the server's groups are read
 *     port = 3307          key=value, spaces around = allowed
 *     skip-name-resolve    bare key (a boolean turned on)
 *     init_connect = "SET NAMES utf8mb4"   quotes stripped; \n \t \r \b \s \\ \" \' escapes
 *     loose-foo = 1        unknown loose options only warn
 *     !include other.cnf   another file, read at this point
 *     !includedir conf.d   every *.cnf file in a folder, by name
 *
 * An unquoted `#` ends the value. Relative include paths are taken from the including file's
 * folder. A missing included file is skipped, as MySQL does; a missing --defaults-file is an
 * error.
 */

import { ConfigError } from "./config_error.ts";

/** Groups the server reads: MySQL's and MariaDB's server groups, and our own. */
export const SERVER_GROUPS: readonly string[] = [
  "mysqld",
  "server",
  "mysqld-8.0",
  "mariadbd",
  "mariadb",
  "mydeno",
];

/** One option read from a file: `--name=value`, or `--name` when `value` is null. */
export interface OptionFileEntry {
  name: string;
  value: string | null;
  /** File and line, for messages. */
  file: string;
  line: number;
}

/** Options of `readOptionFile`. */
export interface ReadOptionFileOptions {
  /** Groups to take options from; default `SERVER_GROUPS`. */
  groups?: readonly string[];
}

/** MySQL stops following includes this deep (my_default.cc MAX_INCLUDE_DEPTH-like guard). */
const MAX_INCLUDE_DEPTH = 10;

const ESCAPES: Record<string, string> = {
  b: "\b",
  t: "\t",
  n: "\n",
  r: "\r",
  s: " ",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** Read one option file (and what it includes); throws ConfigError if it cannot be opened. */
export async function readOptionFile(
  path: string,
  options: ReadOptionFileOptions = {},
): Promise<OptionFileEntry[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    throw new ConfigError(`Could not open required defaults file: ${path}`);
  }
  const groups = new Set((options.groups ?? SERVER_GROUPS).map((g) => g.toLowerCase()));
  const out: OptionFileEntry[] = [];
  await readText(text, path, { groups, out, depth: 0 });
  return out;
}

interface ReadState {
  groups: ReadonlySet<string>;
  out: OptionFileEntry[];
  depth: number;
}

async function readText(text: string, path: string, state: ReadState): Promise<void> {
  const lines = text.split(/\r?\n/);
  let inGroup: boolean | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const lineNo = i + 1;
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("!")) {
      await readDirective(line, path, state);
      continue;
    }
    if (line.startsWith("[")) {
      const close = line.indexOf("]");
      if (close < 0) {
        throw new ConfigError(`Wrong group definition in config file ${path} at line ${lineNo}`);
      }
      inGroup = state.groups.has(line.slice(1, close).trim().toLowerCase());
      continue;
    }
    if (inGroup === null) {
      throw new ConfigError(
        `Found option without preceding group in config file ${path} at line ${lineNo}`,
      );
    }
    if (inGroup) state.out.push(parseOptionLine(line, path, lineNo));
  }
}

/** `!include file` and `!includedir dir`; other directives are ignored like MySQL does. */
async function readDirective(line: string, path: string, state: ReadState): Promise<void> {
  const match = /^!(include|includedir)\s+(.+)$/.exec(line);
  if (!match || state.depth >= MAX_INCLUDE_DEPTH) return;
  const target = resolvePath(match[2]!.trim(), path);
  const next = { ...state, depth: state.depth + 1 };
  if (match[1] === "include") {
    const text = await readIfPresent(target);
    if (text !== null) await readText(text, target, next);
    return;
  }
  let names: string[];
  try {
    names = [];
    for await (const e of Deno.readDir(target)) {
      if (e.isFile && e.name.endsWith(".cnf")) names.push(e.name);
    }
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const file = `${target.replace(/\/$/, "")}/${name}`;
    const text = await readIfPresent(file);
    if (text !== null) await readText(text, file, next);
  }
}

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

function resolvePath(target: string, from: string): string {
  if (target.startsWith("/")) return target;
  const slash = from.lastIndexOf("/");
  return slash < 0 ? target : `${from.slice(0, slash)}/${target}`;
}

/** Parse `key`, `key=value` or `key = "value" # comment`. */
export function parseOptionLine(line: string, file: string, lineNo: number): OptionFileEntry {
  const body = removeEndComment(line);
  const eq = body.indexOf("=");
  if (eq < 0) return { name: body.trim(), value: null, file, line: lineNo };
  const name = body.slice(0, eq).trim();
  let value = body.slice(eq + 1).trim();
  const q = value[0];
  if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) {
    value = value.slice(1, -1);
  }
  return { name, value: unescape(value), file, line: lineNo };
}

/** Cut an unquoted `#` comment off a line (my_default.cc remove_end_comment). */
function removeEndComment(line: string): string {
  let quote = "";
  let escape = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if ((c === "'" || c === '"') && !escape) {
      if (!quote) quote = c;
      else if (quote === c) quote = "";
    } else if (!quote && c === "#") {
      return line.slice(0, i);
    }
    escape = quote !== "" && c === "\\" && !escape;
  }
  return line;
}

function unescape(value: string): string {
  if (!value.includes("\\")) return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const next = value[i + 1];
    if (c === "\\" && next !== undefined && ESCAPES[next] !== undefined) {
      out += ESCAPES[next];
      i++;
    } else {
      out += c;
    }
  }
  return out;
}
