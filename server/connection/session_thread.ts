/**
 * A session thread: one Deno Worker that serves one client session at a time, like a MySQL
 * THD's OS thread. It is reusable: after `ended` it can be given another connection (the
 * thread cache keeps idle ones).
 *
 * Messages travel through two shared rings (`session/shared_channel.ts`), not postMessage: the
 * worker blocks on its inbound ring, so a packet reaches it in microseconds, and one
 * `Atomics.waitAsync` per thread wakes the main thread when the worker wrote to the outbound
 * ring. See `session/session_messages.ts` for what goes how.
 */

import { logWarning } from "../log/error_log.ts";
import { resources, type TrackedResource } from "../resources/resource_tracker.ts";
import { memoryRegistry, WORKER_THREAD_BYTES } from "../memory/memory_registry.ts";
import { memoryTracker } from "../memory/memory_tracker.ts";
import { startWorker } from "../memory/js_heap_sampler.ts";
import {
  ChannelKind,
  type FromWorker,
  type GlobalVariables,
  type ToWorker,
} from "../session/session_messages.ts";
import { SharedChannel, WRITE_DONE } from "../session/shared_channel.ts";

/** Receives the messages of the session a thread serves. */
export interface SessionThreadOwner {
  onWorkerMessage(message: FromWorker): void;
  /**
   * Null while the owner takes more replies; otherwise a promise that resolves when it does
   * again. Meanwhile the thread stops draining the worker's ring, so a worker producing a
   * large result for a client that does not read blocks on ring space (checking its control
   * array) instead of the result piling up on the main thread.
   */
  whenWritable(): Promise<void> | null;
  /** The worker died (an uncaught exception); the session is lost. */
  onWorkerError(message: string): void;
}

const WORKER_URL = new URL("../session/session_worker.ts", import.meta.url);
/** How long one wait for ring space lasts before the sender checks the thread is still alive. */
const SPACE_WAIT_MS = 1000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A message that waits for space in the inbound ring. */
interface Backlogged {
  kind: number;
  arg: number;
  body: Uint8Array | null;
  /** How much of `body` is already in the ring. */
  offset: number;
}

/** Numbers the workers' names (session-1, session-2, ...), as the log reports them. */
let threadCount = 0;
/** Every session thread not yet exited: shutdown joins them all. */
const liveThreads = new Set<SessionThread>();

/** A Worker running `server/session/session_worker.ts`. */
export class SessionThread {
  /** The worker's name, e.g. `session-3`: how shutdown reports a thread that does not exit. */
  readonly name = `session-${++threadCount}`;
  #tracked: TrackedResource = resources.acquire("session thread", this.name);
  /** The worker's memory tracker's shared buffers, and the worker itself as an allocation. */
  #memory = memoryRegistry.attachThread(this.name, () => this.#inbound.wake());
  #memoryHandle = memoryTracker.track("worker_thread", this.name, WORKER_THREAD_BYTES);
  /** Stopped without its `exited` (terminated or died): what it held was never released. */
  #abandoned = false;
  #worker: Worker;
  #inbound = SharedChannel.create();
  #outbound = SharedChannel.create();
  /** Messages behind one that did not fit in the inbound ring, in order. */
  #backlog: Backlogged[] = [];
  #owner: SessionThreadOwner | null = null;
  #exited = false;
  #exitWaiters: (() => void)[] = [];
  /** The globals the worker got with its last `open` (a copy), null before the first. */
  #globalsSent: GlobalVariables | null = null;

  constructor() {
    this.#worker = startWorker(WORKER_URL, { type: "module", name: this.name });
    liveThreads.add(this);
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#owner?.onWorkerError(event.message);
      this.#abandoned = true;
      this.#finishExit();
    };
    this.#worker.postMessage(
      {
        t: "channels",
        inbound: this.#inbound.buffer,
        outbound: this.#outbound.buffer,
        memory: this.#memory,
      } satisfies ToWorker,
    );
    this.#pump();
  }

  /** Session threads whose workers have not exited (shutdown joins them). */
  static live(): SessionThread[] {
    return [...liveThreads];
  }

  /** True once the worker exited or died. */
  get exited(): boolean {
    return this.#exited;
  }

  /** Route this thread's messages to `owner` (null while idle). */
  attach(owner: SessionThreadOwner | null): void {
    this.#owner = owner;
  }

  /** Send a message to the worker. */
  post(message: ToWorker): void {
    if (this.#exited) return;
    switch (message.t) {
      case "packet":
        this.#send(ChannelKind.PACKET, message.seq, message.payload);
        return;
      case "open":
        // Structured clone (shared memory), as below; the globals only when they changed.
        this.#worker.postMessage({ ...message, globals: this.#globalsToSend(message.globals) });
        this.#send(ChannelKind.POSTED, 0, null);
        return;
      case "rpc-reply":
      case "channels":
        // Shared memory and Maps do not survive JSON: structured clone, with a marker that
        // keeps the message's place among the others.
        this.#worker.postMessage(message);
        this.#send(ChannelKind.POSTED, 0, null);
        return;
      default:
        this.#send(ChannelKind.JSON, 0, encoder.encode(JSON.stringify(message)));
    }
  }

  /** The globals an `open` carries: null when the worker already has these values (it kept
   * those of its previous `open`, plus the `global` changes sent while it served it). */
  #globalsToSend(globals: GlobalVariables | null): GlobalVariables | null {
    if (globals === null) return null;
    const sent = this.#globalsSent;
    if (sent !== null && sameEntries(sent, globals)) return null;
    this.#globalsSent = new Map(globals);
    return globals;
  }

  /** Send one client packet (the hot path of `post`). `payload` may be reused afterwards. */
  sendPacket(seq: number, payload: Uint8Array): void {
    if (!this.#exited) this.#send(ChannelKind.PACKET, seq, payload);
  }

  /** Ask the worker to close its engine and exit; resolves when it did. Safe to call twice. */
  exit(): Promise<void> {
    if (this.#exited) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#exitWaiters.push(resolve));
    if (this.#exitWaiters.length === 1) this.post({ t: "exit" });
    return done;
  }

  /** Stop the worker without waiting. It notices between wait slices; a statement it is
   * running still runs to its end (`Worker.terminate()` does not stop synchronous code). */
  terminate(): void {
    this.#abandoned = true;
    this.#finishExit();
  }

  #finishExit(): void {
    if (!this.#exited) {
      this.#exited = true;
      this.#backlog.length = 0;
      this.#inbound.stop();
      // A worker that said `exited` has closed itself and its thread ends on its own;
      // `terminate()` would block the main thread about 20 ms while the isolate is torn down.
      if (this.#abandoned) this.#worker.terminate();
      // Release the pump's pending wait.
      this.#outbound.wake();
      liveThreads.delete(this);
      this.#tracked.release();
      memoryRegistry.detachThread(this.#memory.thread, { abandoned: this.#abandoned });
      memoryTracker.release(this.#memoryHandle);
    }
    const waiters = this.#exitWaiters;
    this.#exitWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #send(kind: number, arg: number, body: Uint8Array | null): void {
    if (this.#backlog.length === 0) {
      const offset = this.#inbound.write(kind, arg, body, 0);
      if (offset === WRITE_DONE) return;
      // The rest goes out as the worker drains the ring; the caller may reuse its bytes.
      this.#backlog.push({ kind, arg, body: body?.slice() ?? null, offset });
      this.#sendBacklog();
      return;
    }
    this.#backlog.push({ kind, arg, body: body?.slice() ?? null, offset: 0 });
  }

  async #sendBacklog(): Promise<void> {
    const backlog = this.#backlog;
    while (backlog.length > 0 && !this.#exited) {
      const next = backlog[0]!;
      const offset = this.#inbound.write(next.kind, next.arg, next.body, next.offset);
      if (offset === WRITE_DONE) {
        backlog.shift();
        continue;
      }
      next.offset = offset;
      await this.#inbound.waitForSpaceAsync(SPACE_WAIT_MS);
    }
  }

  /** Drain the outbound ring whenever the worker wrote to it, until the worker ended. Client
   * bytes are passed on frame by frame, pausing while the owner's socket is congested. */
  async #pump(): Promise<void> {
    const outbound = this.#outbound;
    /** Frames of a control message longer than one frame (rare). */
    let parts: Uint8Array[] = [];
    while (!this.#exited) {
      const congested = this.#owner?.whenWritable();
      if (congested) {
        await congested;
        continue;
      }
      const body = outbound.readPart();
      if (body === null) {
        const waiting = outbound.waitForDataAsync();
        if (waiting) await waiting;
        continue;
      }
      const kind = outbound.kind;
      try {
        if (kind === ChannelKind.WRITE) {
          const done = outbound.arg !== 0 && !outbound.more;
          this.#owner?.onWorkerMessage({ t: "write", bytes: body, done });
        } else if (outbound.more) {
          parts.push(body);
        } else {
          this.#dispatch(parts.length === 0 ? body : joinParts(parts, body));
          parts = [];
        }
      } catch (error) {
        // A failing handler must not stop the pump (nor crash the server): log and go on.
        logWarning(`Cannot handle a session thread message: ${error}`);
      }
    }
  }

  #dispatch(body: Uint8Array): void {
    const message = JSON.parse(decoder.decode(body)) as FromWorker;
    if (message.t === "exited") this.#finishExit();
    else this.#owner?.onWorkerMessage(message);
  }
}

/** True when both maps hold the same keys with the same values. */
function sameEntries(a: GlobalVariables, b: GlobalVariables): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of b) {
    if (a.get(key) !== value) return false;
  }
  return true;
}

/** The body of a message that came in several frames. */
function joinParts(parts: Uint8Array[], last: Uint8Array): Uint8Array {
  let length = last.length;
  for (const part of parts) length += part.length;
  const body = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.length;
  }
  body.set(last, at);
  return body;
}
