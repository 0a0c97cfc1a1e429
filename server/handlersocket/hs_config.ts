/**
 * HandlerSocket's settings from the handlersocket_* variables: which ports listen, how many
 * worker threads each has, the secrets, the idle timeout and the longest line.
 */

import type { HsServiceOptions } from "./hs_service.ts";

/** The settings that come from variables (the rest the server fills in). */
export type HsConfig = Pick<
  HsServiceOptions,
  | "address"
  | "port"
  | "portWr"
  | "threads"
  | "threadsWr"
  | "secret"
  | "secretWr"
  | "timeoutSeconds"
  | "maxLine"
>;

/** Longest request line when handlersocket_readsize is 0 (a line must fit one read buffer). */
const DEFAULT_MAX_LINE = 16 * 1024 * 1024;

function port(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`Cannot start HandlerSocket: port '${value}' is not a TCP port`);
  }
  return n;
}

/** HandlerSocket's settings, or null when neither port is set (no listener, as the original). */
export function handlerSocketOptions(
  globals: ReadonlyMap<string, string | number | bigint | null>,
): HsConfig | null {
  const get = (name: string) => {
    const v = globals.get(name);
    return typeof v === "bigint" ? Number(v) : v;
  };
  const rd = port(get("handlersocket_port"));
  const wr = port(get("handlersocket_port_wr"));
  if (rd === null && wr === null) return null;
  const readsize = Number(get("handlersocket_readsize") ?? 0);
  return {
    address: String(get("handlersocket_address") ?? ""),
    port: rd,
    portWr: wr,
    threads: Number(get("handlersocket_threads") ?? 16),
    threadsWr: Number(get("handlersocket_threads_wr") ?? 1),
    secret: String(get("handlersocket_plain_secret") ?? ""),
    secretWr: String(get("handlersocket_plain_secret_wr") ?? ""),
    timeoutSeconds: Number(get("handlersocket_timeout") ?? 300),
    maxLine: readsize > 0 ? Math.max(readsize, 4096) : DEFAULT_MAX_LINE,
  };
}
