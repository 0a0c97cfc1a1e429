/**
 * Startup options, spelled as mysqld spells them (MySQL manual "Specifying Program Options",
 * mysys/my_getopt.cc):
 *
 * - every settable system variable as `--name=value`, `--name value`, boolean `--name`,
 *   `--skip-name`, `--disable-name`, `--enable-name`; `-` and `_` are the same;
 * - `--loose-` turns an unknown option into a warning instead of an error;
 * - `--defaults-file=F` reads only F; `--defaults-extra-file=F` is read after it;
 *   `--no-defaults` reads none; `--print-defaults` prints what the files hold;
 * - `--help`, `--verbose`, `--version`, `--initialize`, `--initialize-insecure`, `--user`;
 *   short forms `-P port`, `-h datadir`, `-u user`, `-b basedir`, `-t tmpdir`, `-V`, `-?`, `-v`.
 *
 * Unlike mysqld, no default option files are read (no /etc/my.cnf, no ./my.cnf): mydeno is
 * self-contained and reads a file only when told to. The defaults-file options may appear
 * anywhere on the command line (mysqld wants them first). Files are applied first, in order,
 * then the command line, so the command line wins.
 *
 * Defaults that differ from mysqld: bind address 127.0.0.1 (not *), datadir ./data, no Unix
 * socket unless --socket is given, the error log on stderr unless --log-error is given.
 */

import { MysqlError } from "../errors/mysql_error.ts";
import {
  findVariable,
  normalizeValue,
  storageName,
  type VariableDef,
  type VariableValue,
} from "../variables/system_variables.ts";
import { ConfigError } from "./config_error.ts";
import { NOT_OPTIONS } from "./_option_names.ts";
import { readOptionFile } from "./option_file.ts";

export { ConfigError } from "./config_error.ts";
export { helpText, printDefaultsText, versionText } from "./help_text.ts";

/** What the server was asked to do at startup. */
export interface ServerOptions {
  port: number;
  bindAddress: string;
  datadir: string;
  socket: string | null;
  logError: string | null;
  pidFile: string | null;
  initialize: "secure" | "insecure" | null;
  help: boolean;
  verbose: boolean;
  version: boolean;
  printDefaults: boolean;
  /** `--debug-leak-session`: leak the first session that ends, to prove shutdown's check. */
  debugLeakSession: boolean;
  /** `--plugin-load` / `--plugin-load-add` values, in order (`name=library;library`). */
  pluginLoad: string[];
  /** System variables given as options, normalised, by variable name. */
  variables: Map<string, VariableValue>;
  /** Warnings to log at startup (loose unknown options, clamped values, --user). */
  warnings: string[];
  /** The options read from files as `--name=value` arguments (what --print-defaults shows). */
  fileArguments: string[];
}

/** Options that are not system variables, and what they take. */
const PLAIN_OPTIONS: Record<string, "flag" | "value"> = {
  help: "flag",
  verbose: "flag",
  version: "flag",
  initialize: "flag",
  initialize_insecure: "flag",
  user: "value",
  console: "flag",
  ssl: "flag",
  plugin_load: "value",
  plugin_load_add: "value",
  // MariaDB's minimum plugin maturity: mydeno's one plugin is built in, so it is only accepted.
  plugin_maturity: "value",
  debug_leak_session: "flag",
};

/** Old names mysqld still takes for a variable. */
const OPTION_ALIASES: Record<string, string> = { default_time_zone: "time_zone" };

const SHORT_OPTIONS: Record<string, string> = {
  P: "port",
  h: "datadir",
  u: "user",
  b: "basedir",
  t: "tmpdir",
  V: "version",
  "?": "help",
  v: "verbose",
};

/** Parse the server's command line (without the program name), reading option files first. */
export async function parseServerOptions(argv: string[]): Promise<ServerOptions> {
  const opts: ServerOptions = {
    port: 3306,
    bindAddress: "127.0.0.1",
    datadir: "./data",
    socket: null,
    logError: null,
    pidFile: null,
    initialize: null,
    help: false,
    verbose: false,
    version: false,
    printDefaults: false,
    pluginLoad: [],
    debugLeakSession: false,
    variables: new Map(),
    warnings: [],
    fileArguments: [],
  };
  const rest: string[] = [];
  let defaultsFile: string | null = null;
  let extraFile: string | null = null;
  let noDefaults = false;
  for (const arg of argv) {
    const norm = arg.replaceAll("_", "-");
    if (norm === "--no-defaults") noDefaults = true;
    else if (norm === "--print-defaults") opts.printDefaults = true;
    else if (norm.startsWith("--defaults-file=")) defaultsFile = arg.slice(16);
    else if (norm.startsWith("--defaults-extra-file=")) extraFile = arg.slice(22);
    else rest.push(arg);
  }
  if (!noDefaults) {
    for (const file of [defaultsFile, extraFile]) {
      if (file === null) continue;
      for (const e of await readOptionFile(file)) {
        opts.fileArguments.push(e.value === null ? `--${e.name}` : `--${e.name}=${e.value}`);
      }
    }
  }
  const parser = new OptionParser(opts);
  parser.run(opts.fileArguments, false);
  parser.run(rest, true);
  if (opts.logError === "") opts.logError = `${opts.datadir.replace(/\/$/, "")}/mydeno.err`;
  return opts;
}

/** Applies arguments one by one to a ServerOptions. */
class OptionParser {
  #opts: ServerOptions;

  constructor(opts: ServerOptions) {
    this.#opts = opts;
  }

  /** Apply `args`; `fromCommandLine` lets an option take its value from the next argument. */
  run(args: readonly string[], fromCommandLine: boolean): void {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      const next = fromCommandLine && i + 1 < args.length ? args[i + 1]! : null;
      let consumed = false;
      if (arg.startsWith("--") && arg.length > 2) consumed = this.#long(arg.slice(2), next);
      else if (arg.startsWith("-") && arg.length > 1) consumed = this.#short(arg, next);
      else throw new ConfigError(`Too many arguments (first extra is '${arg}').`);
      if (consumed) i++;
    }
  }

  /** `-P3306`, `-P 3306`, `-V`. Returns whether `next` was used. */
  #short(arg: string, next: string | null): boolean {
    const name = SHORT_OPTIONS[arg[1]!];
    if (name === undefined) throw new ConfigError(`unknown option '${arg}'`);
    if (PLAIN_OPTIONS[name] === "flag") return this.#long(name, null);
    if (arg.length > 2) return this.#long(`${name}=${arg.slice(2)}`, null);
    if (next === null) throw new ConfigError(`option '-${arg[1]}' requires an argument`);
    this.#long(`${name}=${next}`, null);
    return true;
  }

  /** One `--body`; returns whether `next` was taken as the value. */
  #long(body: string, next: string | null): boolean {
    const eq = body.indexOf("=");
    const rawName = eq < 0 ? body : body.slice(0, eq);
    let value = eq < 0 ? null : body.slice(eq + 1);
    let key = rawName.toLowerCase().replaceAll("-", "_");
    const loose = key.startsWith("loose_");
    if (loose) key = key.slice(6);
    const target = resolveOption(key);
    if (target === null) {
      const message = value === null ? `unknown option '--${body}'` : `unknown variable '${body}'`;
      if (!loose) throw new ConfigError(message);
      this.#opts.warnings.push(message);
      return false;
    }
    const isFlag = target.def
      ? target.def.type === "boolean"
      : PLAIN_OPTIONS[target.name] === "flag";
    if (target.negated !== null) {
      if (!isFlag) throw new ConfigError(`unknown option '--${body}'`);
      if (value !== null) throw new ConfigError(`option '--${rawName}' cannot take an argument`);
      value = target.negated ? "0" : "1";
    }
    let consumed = false;
    if (value === null && !isFlag && !isOptionalArgument(target.name)) {
      if (next === null) throw new ConfigError(`option '--${rawName}' requires an argument`);
      value = next;
      consumed = true;
    }
    if (target.def) this.#setVariable(target.def, value);
    else this.#setPlain(target.name, value);
    return consumed;
  }

  #setPlain(name: string, value: string | null): void {
    const on = value === null || parseBool(value) !== false;
    const o = this.#opts;
    if (name === "help") o.help = on;
    else if (name === "verbose") o.verbose = on;
    else if (name === "version") o.version = on;
    else if (name === "initialize") o.initialize = on ? "secure" : null;
    else if (name === "initialize_insecure") o.initialize = on ? "insecure" : null;
    else if (name === "user") o.warnings.push(userWarning());
    else if (name === "plugin_load") o.pluginLoad = value === null ? [] : [value];
    else if (name === "plugin_load_add" && value !== null) o.pluginLoad.push(value);
    else if (name === "debug_leak_session") o.debugLeakSession = on;
  }

  #setVariable(def: VariableDef, text: string | null): void {
    const o = this.#opts;
    if (def.name === "log_error" && text === null) {
      o.logError = ""; // --log-error without a file: <datadir>/mydeno.err, resolved at the end
      return;
    }
    const typed = optionValue(def, text ?? "1", o.warnings);
    let value: VariableValue;
    try {
      const warnings: { code: number; message: string }[] = [];
      value = normalizeValue(def, typed, { source: "option", warnings });
      for (const w of warnings) o.warnings.push(w.message);
    } catch (e) {
      if (!(e instanceof MysqlError)) throw e;
      throw new ConfigError(`Error while setting value '${text}' to '${def.name}'`);
    }
    o.variables.set(storageName(def), value);
    if (def.name === "port") o.port = Number(value);
    else if (def.name === "bind_address") o.bindAddress = String(value);
    else if (def.name === "datadir") o.datadir = String(value);
    else if (def.name === "socket") o.socket = String(value);
    else if (def.name === "log_error") o.logError = String(value);
    else if (def.name === "pid_file") o.pidFile = String(value);
  }
}

interface OptionTarget {
  name: string;
  def: VariableDef | null;
  /** True for --skip-/--disable-, false for --enable-, null for the plain name. */
  negated: boolean | null;
}

/** Find what `key` (lower case, underscores, no loose_) names, trying prefixes after exact. */
function resolveOption(key: string): OptionTarget | null {
  const exact = lookup(key);
  if (exact) return { ...exact, negated: null };
  for (
    const [prefix, negated] of [["skip_", true], ["disable_", true], ["enable_", false]] as const
  ) {
    if (!key.startsWith(prefix)) continue;
    const found = lookup(key.slice(prefix.length));
    if (found) return { ...found, negated };
  }
  return null;
}

function lookup(key: string): { name: string; def: VariableDef | null } | null {
  if (PLAIN_OPTIONS[key] !== undefined) return { name: key, def: null };
  const def = findVariable(OPTION_ALIASES[key] ?? key);
  if (!def || def.scope === "session" || NOT_OPTIONS.has(def.name)) return null;
  return { name: def.name, def };
}

/** Options whose value may be left out (my_getopt OPT_ARG). */
function isOptionalArgument(name: string): boolean {
  return name === "log_error" || name === "log_bin";
}

function parseBool(text: string): boolean | null {
  const t = text.toLowerCase();
  if (t === "1" || t === "on" || t === "true") return true;
  if (t === "0" || t === "off" || t === "false") return false;
  return null;
}

const SUFFIXES: Record<string, bigint> = {
  k: 1n << 10n,
  m: 1n << 20n,
  g: 1n << 30n,
  t: 1n << 40n,
  p: 1n << 50n,
  e: 1n << 60n,
};

/** Turn option text into the value SET would receive (my_getopt's parsing rules). */
function optionValue(def: VariableDef, text: string, warnings: string[]): VariableValue {
  switch (def.type) {
    case "boolean": {
      const b = parseBool(text);
      if (b === null && def.name === "log_bin") return 1; // --log-bin=basename turns it on
      if (b === null) {
        warnings.push(
          `option '${def.name}': boolean value '${text}' wasn't recognized. Set to OFF.`,
        );
      }
      return b ? 1 : 0;
    }
    case "integer": {
      const m = /^\s*([+-]?\d*)(.?)(.*)$/.exec(text)!;
      const multiplier = m[2] === "" ? 1n : SUFFIXES[m[2]!.toLowerCase()];
      if (m[1] === "" || m[1] === "-" || m[1] === "+" || multiplier === undefined || m[3] !== "") {
        const bad = m[1] === "" || m[1] === "-" || m[1] === "+" ? text[0] ?? "" : m[2];
        throw new ConfigError(
          `Unknown suffix '${bad}' used for variable '${def.name}' (value '${text}')`,
        );
      }
      const v = BigInt(m[1]!) * multiplier;
      return Math.abs(Number(v)) <= Number.MAX_SAFE_INTEGER ? Number(v) : v;
    }
    case "float":
      if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text)) {
        throw new ConfigError(`Invalid decimal value for option '${def.name}'`);
      }
      return Number(text);
    case "enum":
      return /^\d+$/.test(text) && !def.values.some((v) => v === text) ? Number(text) : text;
    default:
      return text;
  }
}

function userWarning(): string {
  let uid: number | null = null;
  try {
    uid = Deno.uid();
  } catch {
    uid = null;
  }
  return uid === 0
    ? "mydeno does not switch users: --user is ignored"
    : "One can only use the --user switch if running as root";
}
