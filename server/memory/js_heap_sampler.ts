/**
 * V8's sampling heap profiler, always on in every thread (`_js_heap_sample_interval`, V8's
 * default of one sample per 32 KiB allocated): the live JavaScript allocations by stack, so a
 * leak in code that bypasses the memory tracker shows too (information_schema.JS_HEAP_SAMPLES).
 *
 * Each thread drives its own profiler through a `node:inspector` session. The session answers
 * through the thread's event loop, which an idle session worker does not run (it blocks on its
 * ring in `Atomics.wait` slices), so the profile is fetched on request only: the main thread
 * bumps the thread's REQUEST word and wakes it (`requestJsHeapSamples`); the thread, between
 * two waits (`poll()`), awaits the profile, publishes its top stacks as JSON into its shared
 * buffer (a seqlock, as the tracker's samples; the main thread formats the frames, see
 * js_heap_profile.ts), and stores the request it answered in ANSWERED,
 * which the main thread waits on. A busy thread answers once its statement ends; the main
 * thread waits a bounded time and otherwise shows what the thread published last.
 *
 * Fetching a profile makes V8 collect garbage first (so it lists only what is live): a few
 * milliseconds per thread, paid only when the table is read.
 *
 * Deno 2.9.6 holds every new Worker for about a second, waiting for a debugger, while the thread
 * that creates it has an inspector session open. Workers are made on the main thread through
 * `startWorker`, which closes the main thread's session for that call and opens it again: the
 * main thread's sample set restarts whenever a worker thread starts.
 */

import { Session } from "node:inspector";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import { ConfigSlot, type MemoryThreadBuffers, memoryTracker } from "./memory_tracker.ts";
import {
  flattenProfile,
  type RawFrame,
  type RawHeapSampleRow,
  type SamplingHeapProfile,
} from "./js_heap_profile.ts";

/** `_js_heap_sample_interval`: V8's default, bytes allocated per sample; 0 turns it off. */
export const DEFAULT_JS_HEAP_SAMPLE_INTERVAL = 32768;
/** Smallest interval other than 0 (smaller ones sample nearly every object: too slow). */
const JS_HEAP_SAMPLE_INTERVAL_MIN = 1024;
/** Largest interval (1 GiB). */
const JS_HEAP_SAMPLE_INTERVAL_MAX = 1 << 30;
/** The variable's name. */
export const JS_HEAP_VARIABLE = "_js_heap_sample_interval";

/** A value of `_js_heap_sample_interval`: 0 (off) or 1024 to 1 GiB; anything else is ERR 1231
 * (not clamped, as the malloc sample intervals). */
export function checkJsHeapInterval(raw: unknown): number {
  const n = typeof raw === "number" ? raw : Number(String(raw).trim());
  const inRange = n === 0 || (n >= JS_HEAP_SAMPLE_INTERVAL_MIN && n <= JS_HEAP_SAMPLE_INTERVAL_MAX);
  if (!Number.isInteger(n) || !inRange) {
    throw new MysqlError(
      ER.ER_WRONG_VALUE_FOR_VAR,
      `Variable '${JS_HEAP_VARIABLE}' can't be set to the value of '${raw}'`,
    );
  }
  return n;
}

/** Int32 words at the start of a thread's JS heap buffer; a Float64 publish time follows. */
const Word = { SEQ: 0, LENGTH: 1, REQUEST: 2, ANSWERED: 3 } as const;
const AT_OFFSET = 16;
const AREA_OFFSET = 24;
/** Room for one thread's published stacks (bytes of JSON). */
const AREA_BYTES = 64 * 1024;
/** Stacks published per thread, the most bytes first. */
const MAX_STACKS = 200;
/** How long a thread waits for its own profiler before it publishes nothing. */
const PROFILE_TIMEOUT_MS = 2000;

/** Byte size of a thread's JS heap buffer (`MemoryThreadBuffers.heapSamples`). */
export const JS_HEAP_BUFFER_BYTES = AREA_OFFSET + AREA_BYTES;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One thread's profiler. */
export class JsHeapSampler {
  #buffers: MemoryThreadBuffers | null = null;
  #words: Int32Array<ArrayBufferLike> = new Int32Array(4);
  #at: Float64Array<ArrayBufferLike> = new Float64Array(1);
  #area: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  #config: Int32Array<ArrayBufferLike> = new Int32Array(ConfigSlot.JS_HEAP_INTERVAL + 1);
  #session: Session | null = null;
  /** The interval the profiler runs with; 0 while it is off. */
  #interval = 0;
  /** The last request answered. */
  #answered = 0;
  #refreshing: Promise<void> | null = null;

  /** True while the profiler runs (its inspector session is open). */
  get sampling(): boolean {
    return this.#session !== null;
  }

  /** Between two waits of an idle thread: follow `_js_heap_sample_interval`, and when the main
   * thread asked for fresh samples, a promise that resolves once they are published. */
  poll(): Promise<void> | null {
    const buffers = memoryTracker.buffers;
    if (buffers === null) return null;
    if (buffers !== this.#buffers) this.#attach(buffers);
    if (Atomics.load(this.#config, ConfigSlot.JS_HEAP_INTERVAL) !== this.#interval) {
      this.applyInterval();
    }
    if (Atomics.load(this.#words, Word.REQUEST) === this.#answered) return null;
    return this.refresh();
  }

  /** Start, restart or stop the profiler as `_js_heap_sample_interval` now says. */
  applyInterval(): void {
    const buffers = memoryTracker.buffers;
    if (buffers !== null && buffers !== this.#buffers) this.#attach(buffers);
    const interval = Atomics.load(this.#config, ConfigSlot.JS_HEAP_INTERVAL);
    if (interval === this.#interval) return;
    try {
      if (this.#session === null) {
        this.#session = new Session();
        this.#session.connect();
      } else if (this.#interval > 0) {
        // A new interval starts a new sample set: V8 cannot change it while sampling.
        this.#session.post("HeapProfiler.stopSampling");
      }
      if (interval > 0) {
        this.#session.post("HeapProfiler.startSampling", { samplingInterval: interval });
      } else {
        this.close();
      }
    } catch {
      // No inspector in this runtime: the table stays empty for this thread.
      this.close();
    }
    this.#interval = interval;
  }

  /** Fetch the profile and publish it (one fetch at a time; callers share it). */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => this.#refreshing = null);
    return this.#refreshing;
  }

  /** Disconnect the inspector session (the profiler stops). Safe to call twice. */
  close(): void {
    const session = this.#session;
    this.#session = null;
    this.#interval = 0;
    try {
      session?.disconnect();
    } catch {
      // already gone with its isolate
    }
  }

  async #refresh(): Promise<void> {
    const request = Atomics.load(this.#words, Word.REQUEST);
    const rows = this.#session !== null && this.#interval > 0 ? await this.#profileRows() : [];
    this.#publish(rows);
    this.#answered = request;
    Atomics.store(this.#words, Word.ANSWERED, request);
    Atomics.notify(this.#words, Word.ANSWERED);
  }

  /** The live stacks now; none when the profiler fails or does not answer in time. */
  async #profileRows(): Promise<RawHeapSampleRow[]> {
    const session = this.#session!;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const profile = await new Promise<SamplingHeapProfile | null>((resolve) => {
        timer = setTimeout(() => resolve(null), PROFILE_TIMEOUT_MS);
        session.post("HeapProfiler.getSamplingProfile", (error, result) => {
          // @types/node's protocol types predate the node ids and the samples list.
          resolve(error ? null : result.profile as unknown as SamplingHeapProfile);
        });
      });
      if (profile === null) return [];
      return flattenProfile(profile, MAX_STACKS);
    } catch {
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  /** Write `rows` into the shared area (the largest groups that fit), with the time. */
  #publish(rows: RawHeapSampleRow[]): void {
    if (this.#area.length === 0) return;
    let bytes = encoder.encode(JSON.stringify(encodeRows(rows)));
    while (bytes.length > this.#area.length) {
      rows = rows.slice(0, Math.floor(rows.length / 2));
      bytes = encoder.encode(JSON.stringify(encodeRows(rows)));
    }
    Atomics.add(this.#words, Word.SEQ, 1);
    this.#area.set(bytes);
    Atomics.store(this.#words, Word.LENGTH, bytes.length);
    this.#at[0] = Date.now();
    Atomics.add(this.#words, Word.SEQ, 1);
  }

  #attach(buffers: MemoryThreadBuffers): void {
    this.#buffers = buffers;
    this.#words = new Int32Array(buffers.heapSamples, 0, 4);
    this.#at = new Float64Array(buffers.heapSamples, AT_OFFSET, 1);
    this.#area = new Uint8Array(buffers.heapSamples, AREA_OFFSET);
    this.#config = new Int32Array(buffers.config);
    this.#answered = Atomics.load(this.#words, Word.ANSWERED);
  }
}

/** This thread's profiler. */
export const jsHeapSampler = new JsHeapSampler();

/** `new Worker(url, options)` without the second Deno waits for a debugger when this thread's
 * profiler has an inspector session open: the session is closed for the call, then the
 * profiler starts again (with a new sample set). */
export function startWorker(url: URL, options: WorkerOptions): Worker {
  const sampling = jsHeapSampler.sampling;
  if (sampling) jsHeapSampler.close();
  try {
    return new Worker(url, options);
  } finally {
    if (sampling) jsHeapSampler.applyInterval();
  }
}

/**
 * Ask the thread owning `buffer` for fresh samples (main thread): bump its REQUEST word, `wake`
 * it, and wait until it answered or `deadline` (`performance.now()`) passed.
 */
export async function requestJsHeapSamples(
  buffer: SharedArrayBuffer,
  wake: (() => void) | undefined,
  deadline: number,
): Promise<void> {
  const words = new Int32Array(buffer, 0, 4);
  const want = (Atomics.add(words, Word.REQUEST, 1) + 1) | 0;
  wake?.();
  for (;;) {
    const answered = Atomics.load(words, Word.ANSWERED);
    if (((answered - want) | 0) >= 0) return;
    const left = deadline - performance.now();
    if (left <= 0) return;
    const waited = Atomics.waitAsync(words, Word.ANSWERED, answered, left);
    if (waited.async) await waited.value;
  }
}

/** The published form of a profile: its distinct frames once, and rows that refer to them by
 * index (stacks share most of their frames). */
interface PublishedRows {
  frames: RawFrame[];
  rows: [frames: number[], allocCount: number, allocBytes: number][];
}

function encodeRows(rows: readonly RawHeapSampleRow[]): PublishedRows {
  const index = new Map<string, number>();
  const frames: RawFrame[] = [];
  const out: PublishedRows["rows"] = rows.map(([stack, count, bytes]) => {
    const ids = stack.map((frame) => {
      const key = frame.join("\u0000");
      let id = index.get(key);
      if (id === undefined) {
        id = frames.push(frame) - 1;
        index.set(key, id);
      }
      return id;
    });
    return [ids, count, bytes];
  });
  return { frames, rows: out };
}

function decodeRows(published: PublishedRows): RawHeapSampleRow[] {
  return published.rows.map(([ids, count, bytes]) => [
    ids.map((id) => published.frames[id]!),
    count,
    bytes,
  ]);
}

/** A thread's last published stacks and when it published them (0: never). */
export function readJsHeapSamples(
  buffer: SharedArrayBuffer,
): { at: number; rows: RawHeapSampleRow[] } {
  const words = new Int32Array(buffer, 0, 4);
  const area = new Uint8Array(buffer, AREA_OFFSET);
  const at = new Float64Array(buffer, AT_OFFSET, 1);
  for (let attempt = 0; attempt < 100; attempt++) {
    const before = Atomics.load(words, Word.SEQ);
    if (before % 2 === 1) continue;
    const length = Atomics.load(words, Word.LENGTH);
    const copy = area.slice(0, length);
    const when = at[0]!;
    if (Atomics.load(words, Word.SEQ) !== before) continue;
    if (length === 0) return { at: when, rows: [] };
    try {
      return { at: when, rows: decodeRows(JSON.parse(decoder.decode(copy)) as PublishedRows) };
    } catch {
      return { at: when, rows: [] };
    }
  }
  return { at: 0, rows: [] };
}
