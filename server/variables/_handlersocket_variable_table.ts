/**
 * The HandlerSocket plugin's variables, with the original's names and defaults
 * (HandlerSocket-Plugin-for-MySQL handlersocket/handlersocket.cpp). All are read only, set at
 * start-up or in an option file (usually with the `loose_` prefix); an unset port means no
 * listener on it. Private to server/variables.
 */

import { intVar, strVar, type VariableDef } from "./variable_def.ts";

const RO = { scope: "global", ro: true } as const;
const RO_NULL = { scope: "global", ro: true, nullable: true } as const;

/** handlersocket_* variables. */
export const HANDLERSOCKET_VARIABLE_DEFS: readonly VariableDef[] = [
  strVar("handlersocket_address", "", RO),
  intVar("handlersocket_backlog", 32768, { ...RO, min: 5, max: 1000000 }),
  strVar("handlersocket_plain_secret", "", RO),
  strVar("handlersocket_plain_secret_wr", "", RO),
  strVar("handlersocket_port", null, RO_NULL),
  strVar("handlersocket_port_wr", null, RO_NULL),
  intVar("handlersocket_readsize", 0, { ...RO, max: 1073741824 }),
  intVar("handlersocket_threads", 16, { ...RO, min: 1, max: 3000 }),
  intVar("handlersocket_threads_wr", 1, { ...RO, min: 1, max: 100 }),
  intVar("handlersocket_timeout", 300, { ...RO, min: 30, max: 3600 }),
  intVar("handlersocket_verbose", 10, { ...RO, max: 10000 }),
  intVar("handlersocket_wrlock_timeout", 12, { ...RO, max: 3600 }),
];
