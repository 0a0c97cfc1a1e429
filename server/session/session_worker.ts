/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * Entry point of a session worker (one Deno Worker, MySQL's connection thread). It opens the
 * engine and the account store once, then serves one client session at a time: `open` starts
 * a session, `packet`s drive it, `hangup` ends it and the worker waits for the next `open`;
 * `exit` closes everything. See `session_messages.ts` for the message protocol.
 *
 * After the `channels` postMessage the worker is driven by one loop that reads its shared ring
 * (`worker_channel.ts`) and awaits each message's handling before reading the next, so packets
 * are handled one at a time, in order.
 */

import { configureWorkerLog, logWarning } from "../log/error_log.ts";
import { type OpenedServices, openSessionServices } from "./open_session_services.ts";
import { ProtocolSession } from "./protocol_session.ts";
import type { FromWorker, ToWorker } from "./session_messages.ts";
import { WorkerChannel } from "./worker_channel.ts";
import { StatusCounters } from "../thd/status_counters.ts";
import { memoryTracker } from "../memory/memory_tracker.ts";
import { jsHeapSampler } from "../memory/js_heap_sampler.ts";

let channel: WorkerChannel | null = null;

function post(message: FromWorker): void {
  channel?.post(message);
}

configureWorkerLog((entry) => post({ t: "log", entry }));

let services: OpenedServices | null = null;
let session: ProtocolSession | null = null;
/** Global variables as the main thread last sent them; `global` messages keep them current. */
let globals = new Map<string, string | number>();

function openSession(message: Extract<ToWorker, { t: "open" }>): void {
  if (message.globals !== null) globals = message.globals;
  services ??= openSessionServices({
    datadir: message.datadir,
    catalogEpoch: message.catalogEpoch,
    lockTable: message.lockTable,
    globals: () => globals,
  });
  const control = new Int32Array(message.control);
  channel!.attachControl(control);
  session = new ProtocolSession({
    connectionId: message.connectionId,
    peer: message.peer,
    globals,
    startedAt: message.startedAt,
    control,
    scramble: message.scramble,
    status: new StatusCounters(message.status),
    services,
    post,
    rpcReply: (id) => channel!.rpcReply(id),
  });
}

async function hangup(): Promise<void> {
  const ending = session;
  session = null;
  try {
    if (ending) await ending.hangup();
  } finally {
    channel?.attachControl(null);
    post({ t: "ended" });
  }
}

function exit(): void {
  services?.close();
  services = null;
  jsHeapSampler.close();
  post({ t: "exited" });
  self.close();
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.t) {
    case "packet":
      await session?.receive(message.seq, message.payload);
      return;
    case "open":
      openSession(message);
      return;
    case "hangup":
      await hangup();
      return;
    case "shutdown":
      session?.endByShutdown();
      return;
    case "global":
      globals.set(message.name, message.value);
      return;
    case "exit":
      exit();
      return;
    case "rpc-reply":
    case "channels":
      // A reply is claimed by the call that waits for it; channels come only once.
      return;
  }
}

/** Serve messages until `exit`, or until the main thread stops the channel (it gave up on this
 * thread): then close the engine and end without a word. */
async function serve(channel: WorkerChannel): Promise<void> {
  for (;;) {
    const message = await channel.next();
    if (message === null) {
      services?.close();
      services = null;
      jsHeapSampler.close();
      self.close();
      return;
    }
    try {
      await handle(message);
    } catch (error) {
      // Nothing here may kill the worker: drop the client instead.
      logWarning(`Session worker failed: ${error instanceof Error ? error.stack : error}`);
      session?.close();
    }
    if (message.t === "exit") return;
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.t === "channels") {
    memoryTracker.attach(message.memory);
    channel = new WorkerChannel(message.inbound, message.outbound);
    serve(channel);
  } else {
    channel?.deliver(message);
  }
};
