/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * Entry point of a session worker (one Deno Worker, MySQL's connection thread). It opens the
 * engine and the account store once, then serves one client session at a time: `open` starts
 * a session, `packet`s drive it, `hangup` ends it and the worker waits for the next `open`;
 * `exit` closes everything. See `session_messages.ts` for the message protocol.
 */

import { configureWorkerLog, logWarning } from "../log/error_log.ts";
import { type OpenedServices, openSessionServices } from "./open_session_services.ts";
import { ProtocolSession } from "./protocol_session.ts";
import type { FromWorker, ToWorker } from "./session_messages.ts";

function post(message: FromWorker, transfer?: Transferable[]): void {
  if (transfer) self.postMessage(message, transfer);
  else self.postMessage(message);
}

configureWorkerLog((entry) => post({ t: "log", entry }));

let services: OpenedServices | null = null;
let session: ProtocolSession | null = null;
/** Global variables as the main thread last sent them; `global` messages keep them current. */
let globals = new Map<string, string | number>();

function openSession(message: Extract<ToWorker, { t: "open" }>): void {
  globals = message.globals;
  services ??= openSessionServices({
    datadir: message.datadir,
    catalogEpoch: message.catalogEpoch,
    globals: () => globals,
  });
  session = new ProtocolSession({
    connectionId: message.connectionId,
    peer: message.peer,
    globals: message.globals,
    startedAt: message.startedAt,
    control: new Int32Array(message.control),
    services,
    post,
  });
  session.start();
}

async function hangup(): Promise<void> {
  const ending = session;
  session = null;
  if (ending) await ending.hangup();
  post({ t: "ended" });
}

function exit(): void {
  services?.close();
  services = null;
  post({ t: "exited" });
  self.close();
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  try {
    switch (message.t) {
      case "packet":
        session?.receive(message.seq, message.payload);
        return;
      case "open":
        openSession(message);
        return;
      case "hangup":
        hangup();
        return;
      case "rpc-reply":
        session?.link.settle(message);
        return;
      case "global":
        globals.set(message.name, message.value);
        return;
      case "exit":
        exit();
        return;
    }
  } catch (error) {
    // Nothing here may kill the worker: drop the client instead.
    logWarning(`Session worker failed: ${error instanceof Error ? error.stack : error}`);
    session?.close();
  }
};
