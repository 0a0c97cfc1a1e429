/**
 * The memory sampler (OceanBase's always-on Memleak, MySQL's performance_schema memory
 * instruments): every long-lived resource is `track`ed with a module label (mod_name) and a
 * context (ctx_name: which session or system thread) and `release`d when it is closed.
 *
 * - Exact counters per label are always on: allocations, frees, bytes, high watermarks. They
 *   live in shared memory (`MemoryThreadBuffers.counters`) that the main thread reads at any
 *   time, like the status counters.
 * - Sampling as OceanBase's ObMallocSampleLimiter: the next sampled allocation comes after a
 *   random number of allocations in [_min_malloc_sample_interval, _max_malloc_sample_interval]
 *   (so regular patterns do not alias); both 1 samples every allocation, both 10000 none.
 *   Allocations of LARGE_ALLOCATION_BYTES or more are always sampled (while sampling is on).
 *   A sample keeps the JavaScript stack where the allocation was made; a released allocation
 *   leaves the sample set, so what is left is what is outstanding.
 * - Stack captures are capped per second per thread (CAPTURES_PER_SECOND): a capture costs about
 *   a microsecond (`new Error()`), and the stack is formatted only when the sample set is
 *   published.
 *
 * One tracker per thread (`memoryTracker`, a module-level instance, so each Worker has its own).
 * A worker publishes its samples into its shared buffer when it is idle (`publish()`), so the
 * main thread can list the samples of every thread without asking each one. At most once a second
 * it also writes its V8 heap statistics there (`HeapSlot`).
 */

import { getHeapStatistics } from "node:v8";

/** The module labels (mod_name; performance_schema's event name is `memory/mydeno/<label>`). */
export const MEMORY_MODULES = [
  "session",
  "prepared_statement",
  "worker_thread",
  "hs_connection",
  "hs_index",
  "lock_entry",
  "result_buffer",
  "cached_plan",
  "net_buffer",
] as const;

/** A module label. */
export type MemoryModule = typeof MEMORY_MODULES[number];

/** Counter slots per label in the shared counters (Float64: exact to 2^53, no tearing). */
export const CounterSlot = {
  COUNT_ALLOC: 0,
  COUNT_FREE: 1,
  BYTES_ALLOC: 2,
  BYTES_FREE: 3,
  HIGH_COUNT: 4,
  HIGH_BYTES: 5,
} as const;

/** Number of Float64 slots per label. */
export const SLOTS_PER_MODULE = 6;

/** Slots of the global config array (Int32, shared by every thread). */
export const ConfigSlot = {
  MIN_INTERVAL: 0,
  MAX_INTERVAL: 1,
  GENERATION: 2,
  DEBUG_LEAK: 3,
  /** `_js_heap_sample_interval` (js_heap_sampler.ts). */
  JS_HEAP_INTERVAL: 4,
} as const;

/** Byte size of the global config array. */
export const CONFIG_BYTES = 32;

/** OceanBase's bounds and defaults of the two intervals; 10000 for both turns sampling off. */
export const SAMPLE_INTERVAL_MIN = 1;
export const SAMPLE_INTERVAL_MAX = 10000;
export const DEFAULT_MIN_INTERVAL = 16;
export const DEFAULT_MAX_INTERVAL = 256;
/** Allocations this large are always sampled. */
export const LARGE_ALLOCATION_BYTES = 1 << 20;
/** At most this many stacks are captured per second per thread. */
export const CAPTURES_PER_SECOND = 1000;
/** Stack frames kept per sample. */
const MAX_FRAMES = 8;
/** Room for the published sample set of one thread (bytes of JSON). */
export const SAMPLE_AREA_BYTES = 64 * 1024;

/** What a thread's tracker shares with the main thread. */
export interface MemoryThreadBuffers {
  /** Thread number (ctx_id): 0 for the main thread. */
  thread: number;
  /** Thread name, e.g. `main`, `session-3`. */
  name: string;
  /** Counters (Float64, `SLOTS_PER_MODULE` per label), then the sample area. */
  counters: SharedArrayBuffer;
  /** The global config (`ConfigSlot`), written by SET GLOBAL on the main thread. */
  config: SharedArrayBuffer;
  /** The thread's V8 heap profile as it last published it (js_heap_sampler.ts). */
  heapSamples: SharedArrayBuffer;
}

/** The V8 heap statistics a thread publishes (Float64 slots after its counters). */
export const HeapSlot = { USED: 0, TOTAL: 1, LIMIT: 2, EXTERNAL: 3, AT: 4 } as const;
const HEAP_SLOTS = 5;
/** How often a thread refreshes its published heap statistics. */
const HEAP_REFRESH_MS = 1000;

const COUNTER_BYTES = MEMORY_MODULES.length * SLOTS_PER_MODULE * 8;
const HEAP_OFFSET = COUNTER_BYTES;
const HEADER_OFFSET = HEAP_OFFSET + HEAP_SLOTS * 8;

/** Byte size of a thread's shared buffer: counters, heap statistics, sample header and area. */
export const THREAD_BUFFER_BYTES = HEADER_OFFSET + 8 + SAMPLE_AREA_BYTES;

/** One published group of samples: same label, context and stack. */
export type SampleRow = [
  mod: string,
  ctx: string,
  ctxId: number,
  backTrace: string,
  count: number,
  bytes: number,
];

const MODULE_INDEX = new Map<string, number>(MEMORY_MODULES.map((m, i) => [m, i]));
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Where the source tree starts, cut from stack frames so they read `server/x.ts:12`. */
const ROOT_URL = new URL("../../", import.meta.url).href;

/** One tracked allocation; give it back to `release`. */
export class MemoryHandle {
  readonly module: number;
  readonly ctx: string;
  readonly bytes: number;
  released = false;
  /** Where it was made, for a sampled allocation (formatted lazily). */
  origin: Error | null = null;
  #trace: string | null = null;

  constructor(module: number, ctx: string, bytes: number) {
    this.module = module;
    this.ctx = ctx;
    this.bytes = bytes;
  }

  /** The sampled stack as `file:line function` frames, innermost first. */
  get backTrace(): string {
    if (this.#trace === null) this.#trace = this.origin ? formatStack(this.origin) : "";
    return this.#trace;
  }
}

/** The allocations of one thread. */
export class MemoryTracker {
  #counters: Float64Array<ArrayBufferLike> = new Float64Array(
    MEMORY_MODULES.length * SLOTS_PER_MODULE,
  );
  #header: Int32Array<ArrayBufferLike> = new Int32Array(2);
  #heap: Float64Array<ArrayBufferLike> = new Float64Array(HEAP_SLOTS);
  #area: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  #config = defaultConfig();
  #buffers: MemoryThreadBuffers | null = null;
  #thread = 0;
  #name = "main";
  #generation = -1;
  #countdown = 0;
  #samples = new Set<MemoryHandle>();
  #dirty = false;
  #windowStart = 0;
  #windowCaptures = 0;

  /** Thread number (ctx_id) and name. */
  get thread(): number {
    return this.#thread;
  }
  get threadName(): string {
    return this.#name;
  }

  /** `debug_leak_memory`: code that frees a tracked resource skips the release on purpose. */
  get debugLeak(): boolean {
    return this.#config[ConfigSlot.DEBUG_LEAK] === 1;
  }

  /** The shared buffers this thread was given; null before `attach`. */
  get buffers(): MemoryThreadBuffers | null {
    return this.#buffers;
  }

  /** Use the shared buffers the main thread gave this thread; the counts so far move along. */
  attach(buffers: MemoryThreadBuffers): void {
    this.#buffers = buffers;
    const counters = new Float64Array(buffers.counters, 0, this.#counters.length);
    counters.set(this.#counters);
    this.#counters = counters;
    this.#heap = new Float64Array(buffers.counters, HEAP_OFFSET, HEAP_SLOTS);
    this.#header = new Int32Array(buffers.counters, HEADER_OFFSET, 2);
    this.#area = new Uint8Array(buffers.counters, HEADER_OFFSET + 8);
    this.#config = new Int32Array(buffers.config);
    this.#thread = buffers.thread;
    this.#name = buffers.name;
    this.#generation = -1;
    this.#dirty = true;
  }

  /** Record an allocation of `bytes` for `mod` in context `ctx`. */
  track(mod: MemoryModule, ctx: string, bytes: number): MemoryHandle {
    const module = MODULE_INDEX.get(mod) ?? 0;
    const handle = new MemoryHandle(module, ctx, bytes);
    const c = this.#counters;
    const at = module * SLOTS_PER_MODULE;
    const count = ++c[at + CounterSlot.COUNT_ALLOC]! - c[at + CounterSlot.COUNT_FREE]!;
    const used = (c[at + CounterSlot.BYTES_ALLOC]! += bytes) - c[at + CounterSlot.BYTES_FREE]!;
    if (count > c[at + CounterSlot.HIGH_COUNT]!) c[at + CounterSlot.HIGH_COUNT] = count;
    if (used > c[at + CounterSlot.HIGH_BYTES]!) c[at + CounterSlot.HIGH_BYTES] = used;
    if (this.#config[ConfigSlot.GENERATION] !== this.#generation) this.#reload();
    if (--this.#countdown <= 0 || bytes >= LARGE_ALLOCATION_BYTES) this.#sample(handle);
    return handle;
  }

  /** Record that `handle`'s allocation was freed. Safe to call twice. */
  release(handle: MemoryHandle): void {
    if (handle.released) return;
    handle.released = true;
    const at = handle.module * SLOTS_PER_MODULE;
    this.#counters[at + CounterSlot.COUNT_FREE]!++;
    this.#counters[at + CounterSlot.BYTES_FREE]! += handle.bytes;
    if (handle.origin !== null && this.#samples.delete(handle)) this.#dirty = true;
  }

  /** Outstanding allocations and bytes per label, of this thread. */
  outstanding(): Map<MemoryModule, { count: number; bytes: number }> {
    const out = new Map<MemoryModule, { count: number; bytes: number }>();
    MEMORY_MODULES.forEach((mod, i) => {
      const c = this.#counters;
      const at = i * SLOTS_PER_MODULE;
      const count = c[at + CounterSlot.COUNT_ALLOC]! - c[at + CounterSlot.COUNT_FREE]!;
      const bytes = c[at + CounterSlot.BYTES_ALLOC]! - c[at + CounterSlot.BYTES_FREE]!;
      if (count !== 0 || bytes !== 0) out.set(mod, { count, bytes });
    });
    return out;
  }

  /** The outstanding samples grouped by label, context and stack, most bytes first. */
  sampleRows(): SampleRow[] {
    const groups = new Map<string, SampleRow>();
    for (const h of this.#samples) {
      const mod = MEMORY_MODULES[h.module] ?? "unknown";
      const key = `${mod}\u0000${h.ctx}\u0000${h.backTrace}`;
      const row = groups.get(key);
      if (row) {
        row[4]++;
        row[5] += h.bytes;
      } else groups.set(key, [mod, h.ctx, this.#thread, h.backTrace, 1, h.bytes]);
    }
    return [...groups.values()].sort((a, b) => b[5] - a[5]);
  }

  /** Write the sample set into the shared area if it changed since the last time. A seqlock:
   * the generation word is odd while the bytes are being written. */
  publish(): void {
    const now = Date.now();
    if (now - this.#heap[HeapSlot.AT]! >= HEAP_REFRESH_MS) this.refreshHeap(now);
    if (!this.#dirty || this.#area.length === 0) return;
    this.#dirty = false;
    let bytes: Uint8Array = encoder.encode(JSON.stringify(this.sampleRows()));
    if (bytes.length > this.#area.length) bytes = this.#truncated();
    Atomics.add(this.#header, 0, 1);
    this.#area.set(bytes);
    Atomics.store(this.#header, 1, bytes.length);
    Atomics.add(this.#header, 0, 1);
  }

  /** Write this thread's V8 heap statistics into the shared buffer. */
  refreshHeap(now = Date.now()): void {
    const h = getHeapStatistics();
    this.#heap[HeapSlot.USED] = h.used_heap_size;
    this.#heap[HeapSlot.TOTAL] = h.total_heap_size;
    this.#heap[HeapSlot.LIMIT] = h.heap_size_limit;
    this.#heap[HeapSlot.EXTERNAL] = h.external_memory;
    this.#heap[HeapSlot.AT] = now;
  }

  /** The largest groups that fit the shared area. */
  #truncated(): Uint8Array {
    const rows = this.sampleRows();
    while (rows.length > 0) {
      rows.length = Math.floor(rows.length / 2);
      const bytes = encoder.encode(JSON.stringify(rows));
      if (bytes.length <= this.#area.length) return bytes;
    }
    return encoder.encode("[]");
  }

  #reload(): void {
    this.#generation = this.#config[ConfigSlot.GENERATION]!;
    this.#countdown = this.#nextInterval();
  }

  #nextInterval(): number {
    const min = this.#config[ConfigSlot.MIN_INTERVAL]!;
    const max = this.#config[ConfigSlot.MAX_INTERVAL]!;
    if (min >= SAMPLE_INTERVAL_MAX) return Infinity;
    return min + Math.floor(Math.random() * (max - min + 1));
  }

  #sample(handle: MemoryHandle): void {
    const next = this.#nextInterval();
    const off = next === Infinity;
    this.#countdown = next;
    if (off) return;
    const now = Date.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#windowCaptures = 0;
    }
    if (++this.#windowCaptures > CAPTURES_PER_SECOND) return;
    handle.origin = new Error("sampled allocation");
    this.#samples.add(handle);
    this.#dirty = true;
  }
}

function defaultConfig(): Int32Array {
  const config = new Int32Array(new SharedArrayBuffer(CONFIG_BYTES));
  config[ConfigSlot.MIN_INTERVAL] = DEFAULT_MIN_INTERVAL;
  config[ConfigSlot.MAX_INTERVAL] = DEFAULT_MAX_INTERVAL;
  return config;
}

/** `file:line:col function` frames of `origin`, without the tracker's own frames. */
export function formatStack(origin: Error): string {
  const frames: string[] = [];
  for (const line of (origin.stack ?? "").split("\n").slice(1)) {
    if (line.includes("/server/memory/memory_tracker.ts")) continue;
    const m = /^\s*at (?:(.*?) \()?(.*?)\)?$/.exec(line);
    if (!m) continue;
    const where = m[2]!.startsWith(ROOT_URL) ? m[2]!.slice(ROOT_URL.length) : m[2]!;
    frames.push(m[1] ? `${where} ${m[1]}` : where);
    if (frames.length === MAX_FRAMES) break;
  }
  return frames.join("; ");
}

/** Read a thread's published sample set from its shared buffer (main thread). */
export function readSampleArea(counters: SharedArrayBuffer): SampleRow[] {
  const header = new Int32Array(counters, HEADER_OFFSET, 2);
  const area = new Uint8Array(counters, HEADER_OFFSET + 8);
  for (let attempt = 0; attempt < 100; attempt++) {
    const before = Atomics.load(header, 0);
    if (before % 2 === 1) continue;
    const length = Atomics.load(header, 1);
    const copy = area.slice(0, length);
    if (Atomics.load(header, 0) !== before) continue;
    if (length === 0) return [];
    try {
      return JSON.parse(decoder.decode(copy)) as SampleRow[];
    } catch {
      return [];
    }
  }
  return [];
}

/** A thread's last published heap statistics (main thread). */
export function readHeapStatistics(counters: SharedArrayBuffer): Float64Array {
  return new Float64Array(counters, HEAP_OFFSET, HEAP_SLOTS).slice();
}

/** This thread's tracker. */
export const memoryTracker = new MemoryTracker();
