/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

/**
 * A HandlerSocket worker thread (the plugin's `hstcpsvr_worker`): one engine session on its own
 * store connection, and its own listener on its port (SO_REUSEPORT, beside the port's other
 * workers), so the connections the kernel gives it are read, answered and written here without
 * a hand-off to another thread. Each connection has its own executor (open indexes, auth
 * state) and answers its pipelined requests in order.
 *
 * The main thread controls it by postMessage (hs_messages.ts) and reads its counters from a
 * shared array; it closes its listener and connections itself, then its session, and reports
 * each step, so the main thread can unregister it before it is destroyed (MDEV-32484).
 */

import { storePathOf } from "../datadir.ts";
import { openEngine } from "../sql/engine.ts";
import type { Engine } from "../sql/engine.ts";
import type { ServerLink, SqlSession } from "../sql/types.ts";
import { SERVER_VERSION } from "../version.ts";
import { HsResponseWriter } from "../../protocol/handlersocket.ts";
import { LineVio } from "../vio/line_vio.ts";
import { SessionSignals } from "../session/session_signals.ts";
import { HsExecutor } from "./hs_executor.ts";
import { memoryTracker } from "../memory/memory_tracker.ts";
import { jsHeapSampler } from "../memory/js_heap_sampler.ts";
import {
  type FromHsWorker,
  HsCounter,
  type HsListen,
  type HsStart,
  type ToHsWorker,
} from "./hs_messages.ts";

/** How often an idle or busy worker publishes its memory samples for the main thread. */
const PUBLISH_MS = 200;
/** What a HandlerSocket connection is counted as in the memory tracker: its buffers. */
const HS_CONN_BYTES = 16 * 1024 + 4096;

let engine: Engine | null = null;
let session: SqlSession | null = null;
let counters: Float64Array<ArrayBufferLike> = new Float64Array(0);
let listener: Deno.Listener | null = null;
let accepting: Promise<void> = Promise.resolve();
let publishTimer: ReturnType<typeof setInterval> | undefined;
/** Open connections and the promises that end with them. */
const open = new Map<LineVio, Promise<void>>();
/** Hs_* counts, added to by every executor of this thread. */
const totals = { requests: 0, errors: 0 };
let quiet: Promise<void> | null = null;
/** The memory tracker's context of this thread's connections. */
let context = "handlersocket";

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

function start(m: HsStart): void {
  if (m.memory) memoryTracker.attach(m.memory);
  counters = new Float64Array(m.counters);
  context = `handlersocket-${m.threadId}`;
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
    session.attachSignals(new SessionSignals(new Int32Array(m.control)));
    listener = Deno.listen({ hostname: m.listen.hostname, port: m.listen.port, reusePort: true });
  } catch (error) {
    send({ t: "failed", message: String((error as Error).message ?? error) });
    closeSession();
    return;
  }
  accepting = acceptLoop(listener, m.listen);
  publishTimer = setInterval(publish, PUBLISH_MS);
  send({ t: "started" });
}

async function acceptLoop(l: Deno.Listener, listen: HsListen): Promise<void> {
  try {
    for await (const conn of l) {
      if (quiet !== null) {
        conn.close();
        continue;
      }
      const vio = new LineVio(conn, {
        maxLine: listen.maxLine,
        idleTimeoutMs: listen.idleTimeoutMs,
      });
      open.set(vio, serve(vio, listen));
    }
  } catch {
    // the listener was closed
  }
}

/** A run of request lines of one connection waiting for its turn in this tick's round. */
interface Batch {
  executor: HsExecutor;
  lines: Uint8Array;
  out: HsResponseWriter;
  done: (error: unknown) => void;
}

/** Batches read in this event-loop tick, answered together by `answerRound`. */
let round: Batch[] = [];
/** The last round queued: rounds run one after another, as the connections share one session
 * (a round that waits for a statement holds the next back). */
let rounds: Promise<void> = Promise.resolve();

/**
 * Answer every batch read in this tick, in arrival order. The reads that completed together
 * reach `serve` one after another before any later I/O, so one microtask queued by the first
 * (`rounds.then`, when no round is running) sees them all, and their point finds may share one
 * read group (one SQLite snapshot and metadata lock, server/sql/point_read.ts): every one of
 * them arrived before the first is answered, so reading them at one instant is a valid order for
 * every client. The group ends with the round, before this thread waits for I/O again.
 */
async function answerRound(): Promise<void> {
  const batches = round;
  round = [];
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i]!;
    counters[HsCounter.ACTIVE]!++;
    try {
      b.out.reset();
      const waiting = b.executor.answer(b.lines, 0, b.out, i + 1 < batches.length);
      if (waiting) await waiting;
      b.done(null);
    } catch (error) {
      b.done(error);
    } finally {
      counters[HsCounter.ACTIVE]!--;
    }
  }
  try {
    session?.endReadGroup();
  } catch (error) {
    // The snapshot could not be released cleanly; the next statement starts a new one.
    console.error(`HandlerSocket worker: ${error}`);
  }
  counters[HsCounter.REQUESTS] = totals.requests;
  counters[HsCounter.ERRORS] = totals.errors;
}

/** Serve one connection until it ends. */
async function serve(vio: LineVio, listen: HsListen): Promise<void> {
  const memory = memoryTracker.track("hs_connection", context, HS_CONN_BYTES);
  const executor = new HsExecutor(session!, listen, totals);
  const out = new HsResponseWriter(4096);
  counters[HsCounter.CONNS]!++;
  counters[HsCounter.ACCEPTED]!++;
  try {
    await vio.run((lines) =>
      new Promise<Uint8Array>((resolve, reject) => {
        if (round.length === 0) rounds = rounds.then(answerRound);
        round.push({
          executor,
          lines,
          out,
          done: (error) => {
            if (error !== null) return reject(error);
            const answer = out.bytes();
            counters[HsCounter.BYTES_RECEIVED]! += lines.length;
            counters[HsCounter.BYTES_SENT]! += answer.length;
            resolve(answer);
          },
        });
      })
    );
  } catch (error) {
    // An answer failed outside the executor's own error handling: the connection ends.
    console.error(`HandlerSocket worker: ${error}`);
  } finally {
    vio.close();
    executor.close();
    open.delete(vio);
    counters[HsCounter.CONNS]!--;
    memoryTracker.release(memory);
  }
}

/** Let the main thread see this thread's memory samples, and its V8 heap profile when it asked
 * for one (the profiler answers through the event loop). */
function publish(): void {
  memoryTracker.publish();
  void jsHeapSampler.poll();
}

async function unlisten(): Promise<void> {
  try {
    listener?.close();
  } catch {
    // already closed
  }
  listener = null;
  await accepting;
}

/** Close the listener and every connection, and wait until they are served out. */
function quiesce(): Promise<void> {
  quiet ??= (async () => {
    await unlisten();
    for (const vio of open.keys()) vio.close();
    await Promise.all(open.values());
  })();
  return quiet;
}

function closeSession(): void {
  session?.close();
  engine?.close();
  session = null;
  engine = null;
}

self.onmessage = async (e: MessageEvent<ToHsWorker>) => {
  const m = e.data;
  switch (m.t) {
    case "start":
      return start(m);
    case "wake":
      return publish();
    case "unlisten":
      await unlisten();
      return send({ t: "unlistened" });
    case "quiesce":
      await quiesce();
      return send({ t: "quiet" });
    case "stop":
      await quiesce();
      clearInterval(publishTimer);
      closeSession();
      jsHeapSampler.close();
      send({ t: "stopped" });
      self.close();
  }
};
