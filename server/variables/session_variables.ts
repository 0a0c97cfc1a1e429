/**
 * One session's system variables, and the server's global values they start from.
 *
 * As in MySQL, a session copies the global value of every "both" variable when it starts (and on
 * COM_RESET_CONNECTION / COM_CHANGE_USER); later SET GLOBAL changes affect new sessions only.
 * Global-only variables are always read from the globals map, which the owner keeps current
 * (in a worker: from the main thread's broadcasts through `applyGlobal`).
 */

import { findCharset, findCollation } from "./charsets.ts";
import {
  checkReadScope,
  requireVariable,
  storageName,
  SYSTEM_VARIABLES,
} from "./variable_catalog.ts";
import type { VariableDef, VariableValue } from "./variable_def.ts";
import {
  normalizeValue,
  type SetInput,
  type ValidateOptions,
  validateVariable,
} from "./validate_variable.ts";

/** Global values by storage name (aliases such as tx_isolation are stored under their target). */
export type GlobalValues = Map<string, VariableValue>;

/** One row of SHOW VARIABLES. */
export interface VariableEntry {
  name: string;
  def: VariableDef;
  value: VariableValue;
}

/** Character set / collation pairs kept in step (MySQL: setting one sets the other). */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["character_set_connection", "collation_connection"],
  ["character_set_server", "collation_server"],
  ["character_set_database", "collation_database"],
];

/**
 * The global values a server starts with: the compiled-in defaults, then `overrides` (startup
 * options, already normalised, keyed by variable name). Fills in values MySQL computes:
 * thread_cache_size = 8 + max_connections / 100, hostname, system_time_zone.
 */
export function initialGlobals(
  overrides: ReadonlyMap<string, VariableValue> = new Map(),
): GlobalValues {
  // Every session starts from the defaults (sys_var.ts `sessionGlobals`): copy them once built.
  if (overrides.size === 0) return new Map(defaultGlobals ??= buildGlobals(overrides));
  return buildGlobals(overrides);
}

/** `initialGlobals()` without overrides; the values are immutable primitives. */
let defaultGlobals: GlobalValues | null = null;

function buildGlobals(overrides: ReadonlyMap<string, VariableValue>): GlobalValues {
  const globals: GlobalValues = new Map();
  for (const def of SYSTEM_VARIABLES.values()) {
    if (def.aliasOf === null && def.scope !== "session") globals.set(def.name, def.default);
  }
  globals.set("hostname", safeHostname());
  globals.set("system_time_zone", systemTimeZone());
  for (const [name, value] of overrides) globals.set(storageName(requireVariable(name)), value);
  if (!overrides.has("thread_cache_size")) {
    const maxConnections = Number(globals.get("max_connections"));
    globals.set("thread_cache_size", Math.min(100, 8 + Math.floor(maxConnections / 100)));
  }
  for (const [charset, collation] of PAIRS) {
    if (overrides.has(charset) && !overrides.has(collation)) {
      globals.set(collation, findCharset(String(globals.get(charset)))?.defaultCollation ?? null);
    } else if (overrides.has(collation) && !overrides.has(charset)) {
      globals.set(charset, findCollation(String(globals.get(collation)))?.charset ?? null);
    }
  }
  return globals;
}

/** The host name, read once: every session builds its globals with `initialGlobals`, and MySQL
 * too reads it once at startup. */
let hostname: string | null = null;

function safeHostname(): string {
  if (hostname !== null) return hostname;
  try {
    hostname = Deno.hostname();
  } catch {
    hostname = "localhost";
  }
  return hostname;
}

/** The system time zone, computed once (MySQL sets system_time_zone at startup); building an
 * Intl.DateTimeFormat costs tens of microseconds, too much for every connection. */
let timeZone: string | null = null;

/** The system's time zone abbreviation, as MySQL's system_time_zone shows it (e.g. UTC, CET). */
function systemTimeZone(): string {
  if (timeZone !== null) return timeZone;
  const parts = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts();
  timeZone = parts.find((p) => p.type === "timeZoneName")?.value ?? "UTC";
  return timeZone;
}

/** A session's variables over the server's globals. */
export class SessionVariables {
  #globals: GlobalValues;
  #session: Map<string, VariableValue> = new Map();

  /** `globals` is shared, not copied: the owner updates it as SET GLOBAL happens. */
  constructor(globals: GlobalValues) {
    this.#globals = globals;
    this.reset();
  }

  /** Start over from the globals (connect, COM_RESET_CONNECTION, COM_CHANGE_USER). */
  reset(): void {
    this.#session.clear();
    for (const def of SYSTEM_VARIABLES.values()) {
      if (def.aliasOf !== null || def.scope === "global") continue;
      const value = def.scope === "both" ? this.#globals.get(def.name) : undefined;
      this.#session.set(def.name, value === undefined ? def.default : value);
    }
  }

  /**
   * `@@name`, `@@session.name` or `@@global.name`. Throws 1193 for an unknown name and 1238
   * for a scope the variable does not have. @@timestamp is the current time unless SET.
   */
  get(name: string, scope: "global" | "session" | "default" = "default"): VariableValue {
    const def = checkReadScope(name, scope);
    const key = storageName(def);
    const target = requireVariable(key);
    if (scope === "global" || target.scope === "global") return this.#globals.get(key) ?? null;
    const value = this.#session.get(key) ?? null;
    if (key === "timestamp" && value === 0) return Math.round(Date.now() * 1000) / 1e6;
    return value;
  }

  /** SET [SESSION] name = value: validated (MySQL's errors), stored; returns the stored value. */
  set(name: string, value: SetInput, options?: ValidateOptions): VariableValue {
    const def = requireVariable(name);
    const normalized = validateVariable(name, value, "session", options);
    this.#store(storageName(def), normalized);
    return normalized;
  }

  /** Store a value without SET's checks: warning_count, last_insert_id, the handshake charset. */
  setInternal(name: string, value: VariableValue): void {
    const def = requireVariable(name);
    const key = storageName(def);
    const stored = value === null ? null : normalizeValue(requireVariable(key), value);
    if (def.scope === "global") this.#globals.set(key, stored);
    else this.#store(key, stored);
  }

  /** Record a global value set elsewhere (the main thread validated it already). */
  applyGlobal(name: string, value: VariableValue): void {
    const key = storageName(requireVariable(name));
    this.#globals.set(key, value);
    for (const [charset, collation] of PAIRS) {
      if (key === charset && value !== null) {
        this.#globals.set(collation, findCharset(String(value))?.defaultCollation ?? null);
      } else if (key === collation && value !== null) {
        this.#globals.set(charset, findCollation(String(value))?.charset ?? null);
      }
    }
  }

  /**
   * SET NAMES charset [COLLATE collation]: character_set_client, _connection and _results, and
   * collation_connection (the charset's default collation unless given).
   */
  setNames(charset: string, collation?: string): void {
    const name = String(normalizeValue(requireVariable("character_set_client"), charset));
    for (const v of ["character_set_client", "character_set_connection", "character_set_results"]) {
      this.#session.set(v, name);
    }
    const coll = collation === undefined
      ? findCharset(name)?.defaultCollation ?? null
      : normalizeValue(requireVariable("collation_connection"), collation);
    this.#session.set("collation_connection", coll);
  }

  /** The value `SET [GLOBAL] name = DEFAULT` assigns. */
  defaultValue(name: string, scope: "global" | "session"): VariableValue {
    const def = requireVariable(storageName(requireVariable(name)));
    if (scope === "session" && def.scope === "both") return this.#globals.get(def.name) ?? null;
    return def.default;
  }

  /** SHOW [GLOBAL|SESSION] VARIABLES: every variable with a value in that scope, by name. */
  list(scope: "global" | "session"): VariableEntry[] {
    const out: VariableEntry[] = [];
    for (const def of SYSTEM_VARIABLES.values()) {
      if (scope === "global" && def.scope === "session") continue;
      out.push({
        name: def.name,
        def,
        value: this.get(def.name, scope === "global" ? scope : "default"),
      });
    }
    return out;
  }

  #store(key: string, value: VariableValue): void {
    this.#session.set(key, value);
    for (const [charset, collation] of PAIRS) {
      if (key === charset && value !== null) {
        this.#session.set(collation, findCharset(String(value))?.defaultCollation ?? null);
      } else if (key === collation && value !== null) {
        this.#session.set(charset, findCollation(String(value))?.charset ?? null);
      }
    }
  }
}
