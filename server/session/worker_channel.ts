/**
 * The worker's end of its two shared rings (`shared_channel.ts`). While it has nothing to do the
 * worker blocks in `Atomics.wait` in short slices (house rule 7), so a packet written by the main
 * thread wakes it within microseconds instead of going through the event loop. Because the
 * worker then does not run its event loop, every main-thread message arrives through the ring;
 * the few sent by postMessage leave a POSTED marker there, and only then does the worker return
 * to its event loop to receive them.
 */

import { MysqlError } from "../errors/mysql_error.ts";
import { ChannelKind, ControlSlot, type FromWorker, type ToWorker } from "./session_messages.ts";
import { SharedChannel, WRITE_DONE } from "./shared_channel.ts";
import { memoryTracker } from "../memory/memory_tracker.ts";
import { jsHeapSampler } from "../memory/js_heap_sampler.ts";

/** One wait slice: how often a blocked worker checks that it was not told to stop. */
const SLICE_MS = 100;

/** An `rpc-reply` message. */
export type RpcReply = Extract<ToWorker, { t: "rpc-reply" }>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** The error a blocked worker raises when its main thread stopped the channel. */
function stoppedError(): MysqlError {
  // ER_SERVER_SHUTDOWN: the main thread stops a channel only when it abandons the thread.
  return new MysqlError(1053, "Server shutdown in progress", "08S01");
}

/** The session worker's side of its message channel. */
export class WorkerChannel {
  #inbound: SharedChannel;
  #outbound: SharedChannel;
  /** Messages read while waiting for an RPC reply, handed out by `next()` afterwards. */
  #deferred: ToWorker[] = [];
  /** postMessage events not yet claimed by a POSTED marker. */
  #posted: ToWorker[] = [];
  #postedWaiter: ((message: ToWorker) => void) | null = null;
  /** Control array of the session being served (its ALIVE slot), null between sessions. */
  #control: Int32Array | null = null;

  constructor(inbound: SharedArrayBuffer, outbound: SharedArrayBuffer) {
    this.#inbound = new SharedChannel(inbound);
    this.#outbound = new SharedChannel(outbound);
  }

  /** Serve a new session (or none): client bytes are dropped once its ALIVE slot is 0. */
  attachControl(control: Int32Array | null): void {
    this.#control = control;
  }

  /** False once the main thread marked the session's client gone. */
  #clientAlive(): boolean {
    const control = this.#control;
    return control === null || Atomics.load(control, ControlSlot.ALIVE) !== 0;
  }

  /** A message that came by postMessage (its POSTED marker is, or will be, in the ring). */
  deliver(message: ToWorker): void {
    const waiter = this.#postedWaiter;
    if (waiter) {
      this.#postedWaiter = null;
      waiter(message);
    } else {
      this.#posted.push(message);
    }
  }

  /** The next message from the main thread; null once the main thread stopped the channel. */
  next(): Promise<ToWorker | null> | ToWorker | null {
    const deferred = this.#deferred.shift();
    return deferred ?? this.#receive();
  }

  /** Wait for the reply to RPC `id`; other messages keep their order for `next()`. */
  async rpcReply(id: number): Promise<RpcReply> {
    for (;;) {
      const message = await this.#receive();
      if (message === null) throw stoppedError();
      if (message.t === "rpc-reply" && message.id === id) return message;
      this.#deferred.push(message);
    }
  }

  /** Read the ring, blocking in slices while it is empty. */
  #receive(): Promise<ToWorker | null> | ToWorker | null {
    const inbound = this.#inbound;
    for (;;) {
      const body = inbound.read();
      if (body !== null) {
        switch (inbound.kind) {
          case ChannelKind.PACKET:
            return { t: "packet", seq: inbound.arg, payload: body };
          case ChannelKind.POSTED:
            return this.#nextPosted();
          default:
            return JSON.parse(decoder.decode(body)) as ToWorker;
        }
      }
      if (inbound.stopped) return null;
      // Idle: let the main thread see this thread's memory samples as they are now, and its V8
      // heap profile when it asked for it (the profiler answers through the event loop).
      memoryTracker.publish();
      const profiling = jsHeapSampler.poll();
      if (profiling !== null) return profiling.then(() => this.#receive());
      inbound.waitForData(SLICE_MS);
    }
  }

  #nextPosted(): Promise<ToWorker> | ToWorker {
    const message = this.#posted.shift();
    if (message) return message;
    return new Promise((resolve) => this.#postedWaiter = resolve);
  }

  /** Send framed bytes for the client; `done` ends the reply to a command. Nothing is sent
   * once the client is gone: nobody would read it. */
  write(bytes: Uint8Array, done: boolean): void {
    if (!this.#clientAlive()) return;
    // The reply buffer, tracked until the ring holds a copy (mod_name "result_buffer").
    const buffer = memoryTracker.track("result_buffer", memoryTracker.threadName, bytes.length);
    try {
      this.#send(ChannelKind.WRITE, done ? 1 : 0, bytes);
    } finally {
      memoryTracker.release(buffer);
    }
  }

  /** Send a message to the main thread. */
  post(message: FromWorker): void {
    if (message.t === "write") this.write(message.bytes, message.done);
    else this.#send(ChannelKind.JSON, 0, encoder.encode(JSON.stringify(message)));
  }

  /** Write one message, waiting in slices while the ring is full. The main thread drains it
   * concurrently, except while the client's socket is congested: then it waits for the client,
   * and a client that is gone (net_write_timeout, a kill) ends the wait through ALIVE. */
  #send(kind: number, arg: number, body: Uint8Array): void {
    let offset = this.#outbound.write(kind, arg, body, 0);
    while (offset !== WRITE_DONE) {
      if (this.#inbound.stopped) throw stoppedError();
      this.#outbound.waitForSpace(SLICE_MS);
      if (kind === ChannelKind.WRITE && body !== EMPTY && !this.#clientAlive()) {
        if (offset === 0) return;
        // End the message with an empty last frame: its first frames are already in the ring.
        body = EMPTY;
        offset = 0;
      }
      offset = this.#outbound.write(kind, arg, body, offset);
    }
  }
}
