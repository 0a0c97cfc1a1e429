/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

/**
 * A HandlerSocket worker thread (the plugin's `hstcpsvr_worker`): one engine session on its own
 * store connection, shared by the HandlerSocket connections the main thread gives it; each
 * connection has its own executor (open indexes, auth state). It waits on its inbound ring in
 * short slices, takes every message that has arrived, and answers each batch of request lines,
 * in order, on its outbound ring.
 */

import { storePathOf } from "../datadir.ts";
import { openEngine } from "../sql/engine.ts";
import type { Engine } from "../sql/engine.ts";
import type { ServerLink, SqlSession } from "../sql/types.ts";
import { SERVER_VERSION } from "../version.ts";
import { SharedChannel, WRITE_DONE } from "../session/shared_channel.ts";
import { encodeError, HsResponseWriter, splitLines } from "../../protocol/handlersocket.ts";
import { HsExecutor } from "./hs_executor.ts";
import { memoryTracker } from "../memory/memory_tracker.ts";
import { jsHeapSampler } from "../memory/js_heap_sampler.ts";
import {
  type FromHsWorker,
  HS_REPLY,
  HS_REPLY_HEADER,
  HsIn,
  type HsStart,
  putU32,
  u32,
} from "./hs_messages.ts";

/** How long one wait on the inbound ring lasts before it looks again. */
const WAIT_SLICE_MS = 200;

let engine: Engine | null = null;
let session: SqlSession | null = null;
const executors = new Map<number, HsExecutor>();
const totals = { requests: 0, errors: 0 };

function send(message: FromHsWorker): void {
  self.postMessage(message);
}

/** Server operations a HandlerSocket session never needs (no SHOW PROCESSLIST, KILL, ...). */
function noServerLink(): ServerLink {
  const refuse = () =>
    Promise.reject(new Error("Cannot run a server operation from HandlerSocket"));
  return {
    processList: refuse,
    kill: refuse,
    globalStatus: refuse,
    setGlobalVariable: refuse,
    requestShutdown: refuse,
  };
}

function start(m: HsStart): boolean {
  if (m.memory) memoryTracker.attach(m.memory);
  try {
    engine = openEngine({
      path: storePathOf(m.datadir),
      serverVersion: SERVER_VERSION,
      catalogEpoch: new Int32Array(m.catalogEpoch),
      ...(m.lockTable ? { lockTable: m.lockTable } : {}),
    });
    const globals = new Map(m.globals);
    // The plugin's sessions act with full rights, as its threads do in MySQL.
    session = engine.openSession(
      {
        connectionId: m.threadId,
        user: "root",
        host: "localhost",
        accountHost: "localhost",
        db: null,
        interactive: false,
      },
      noServerLink(),
      () => globals,
    );
    send({ t: "started" });
    return true;
  } catch (error) {
    send({ t: "failed", message: String((error as Error).message ?? error) });
    return false;
  }
}

/** The reply being built; reused for every batch (the ring copies it). */
const replyBuffer = new HsResponseWriter(64 * 1024);

/** Messages read from the inbound ring at once, at most. */
const MAX_DRAIN = 64;

/** Messages taken from the inbound ring and not handled yet: kind, arg and body of each. */
const drained = { kinds: [] as number[], args: [] as number[], bodies: [] as Uint8Array[] };

/**
 * Answer every line of one batch into `replyBuffer`, after the reply header. `more`: the next
 * drained message is a batch too, so its point finds may share this one's read group.
 */
function answer(conn: number, body: Uint8Array, more: boolean): void | Promise<void> {
  replyBuffer.reset(HS_REPLY_HEADER);
  const ex = executors.get(conn);
  if (ex) return ex.answer(body, 4, replyBuffer, more);
  const { lines } = splitLines(body.subarray(4), Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < lines.length; i++) replyBuffer.raw(encodeError(1, "conn"));
}

/** The reply of a batch: conn, the worker's Hs_* counts so far, the answer lines. */
function replyBody(conn: number): Uint8Array {
  const body = replyBuffer.bytes();
  putU32(body, 0, conn);
  putU32(body, 4, totals.requests);
  putU32(body, 8, totals.errors);
  return body;
}

function reply(out: SharedChannel, body: Uint8Array): void {
  let offset = 0;
  while ((offset = out.write(HS_REPLY, 0, body, offset)) !== WRITE_DONE) {
    if (out.stopped) return;
    // Nothing is held while waiting for the main thread: no snapshot, no metadata lock.
    session?.endReadGroup();
    out.waitForSpace(WAIT_SLICE_MS);
  }
}

/** Take what has arrived on the inbound ring, up to MAX_DRAIN messages; how many. */
function drain(inbound: SharedChannel): number {
  const { kinds, args, bodies } = drained;
  let body: Uint8Array | null;
  while (bodies.length < MAX_DRAIN && (body = inbound.read()) !== null) {
    kinds.push(inbound.kind);
    args.push(inbound.arg);
    bodies.push(body);
  }
  return bodies.length;
}

/**
 * Serve the rings until STOP. Every message that has arrived is taken before any is handled,
 * so the point finds of all of them, which all arrived before the first is answered, can read
 * one snapshot (a read group, server/sql/point_read.ts) instead of one each.
 */
async function serve(inbound: SharedChannel, outbound: SharedChannel): Promise<void> {
  const { kinds, args, bodies } = drained;
  for (;;) {
    const n = drain(inbound);
    if (n === 0) {
      if (inbound.stopped) return;
      // Idle: let the main thread see this thread's memory samples as they are now, and its V8
      // heap profile when it asked for it (the profiler answers through the event loop).
      memoryTracker.publish();
      const profiling = jsHeapSampler.poll();
      if (profiling !== null) await profiling;
      else inbound.waitForData(WAIT_SLICE_MS);
      continue;
    }
    for (let i = 0; i < n; i++) {
      const body = bodies[i]!;
      switch (kinds[i]) {
        case HsIn.OPEN: {
          const secret = new TextDecoder().decode(body.subarray(4));
          if (session) {
            executors.set(
              u32(body, 0),
              new HsExecutor(session, { writable: args[i] === 1, secret }, totals),
            );
          }
          break;
        }
        case HsIn.LINES: {
          const conn = u32(body, 0);
          const waiting = answer(conn, body, i + 1 < n && kinds[i + 1] === HsIn.LINES);
          if (waiting) await waiting;
          reply(outbound, replyBody(conn));
          break;
        }
        case HsIn.CLOSE:
          executors.get(u32(body, 0))?.close();
          executors.delete(u32(body, 0));
          break;
        case HsIn.STOP:
          return;
      }
    }
    session?.endReadGroup();
    kinds.length = 0;
    args.length = 0;
    bodies.length = 0;
  }
}

function stop(): void {
  for (const ex of executors.values()) ex.close();
  executors.clear();
  session?.close();
  engine?.close();
  session = null;
  engine = null;
  jsHeapSampler.close();
}

self.onmessage = async (e: MessageEvent<HsStart>) => {
  if (!start(e.data)) return;
  await serve(new SharedChannel(e.data.inbound), new SharedChannel(e.data.outbound));
  stop();
  send({ t: "stopped" });
  self.close();
};
