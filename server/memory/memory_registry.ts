/**
 * The main thread's view of every thread's memory tracker: it hands each new thread its shared
 * buffers, keeps the global sampling config (`_min_malloc_sample_interval`,
 * `_max_malloc_sample_interval`) that every tracker reads, and sums the counters of live and
 * ended threads for performance_schema.memory_summary_global_by_event_name. A thread that ended
 * with allocations outstanding keeps its last published samples here, so a leak in a worker
 * that is gone is still listed.
 *
 * Each thread's V8 sampling heap profile (`js_heap_sampler.ts`) is fetched only for a statement
 * that reads information_schema.JS_HEAP_SAMPLES: every live thread is asked for fresh samples
 * and given up to `JS_HEAP_SAMPLE_WAIT_MS` to publish them.
 *
 * Main thread only: a worker reaches this through `ServerLink.memoryRows`.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { FrameFormatter } from "./js_heap_profile.ts";
import {
  checkJsHeapInterval,
  DEFAULT_JS_HEAP_SAMPLE_INTERVAL,
  JS_HEAP_BUFFER_BYTES,
  JS_HEAP_VARIABLE,
  jsHeapSampler,
  readJsHeapSamples,
  requestJsHeapSamples,
} from "./js_heap_sampler.ts";
import {
  CONFIG_BYTES,
  ConfigSlot,
  CounterSlot,
  DEFAULT_MAX_INTERVAL,
  DEFAULT_MIN_INTERVAL,
  HeapSlot,
  MEMORY_MODULES,
  type MemoryThreadBuffers,
  memoryTracker,
  readHeapStatistics,
  readSampleArea,
  SAMPLE_INTERVAL_MAX,
  SAMPLE_INTERVAL_MIN,
  type SampleRow,
  SLOTS_PER_MODULE,
  THREAD_BUFFER_BYTES,
} from "./memory_tracker.ts";

/** One row of memory_summary_global_by_event_name, in the view's column order. */
export type SummaryRow = [
  eventName: string,
  countAlloc: number,
  countFree: number,
  bytesAlloc: number,
  bytesFree: number,
  lowCount: number,
  currentCount: number,
  highCount: number,
  lowBytes: number,
  currentBytes: number,
  highBytes: number,
];

/** One row of __all_virtual_malloc_sample_info, in the view's column order. */
export type SampleInfoRow = [
  svrIp: string,
  svrPort: number,
  tenantId: number,
  ctxId: number,
  modName: string,
  backTrace: string,
  ctxName: string,
  allocCount: number,
  allocBytes: number,
];

/** One row of information_schema.JS_HEAP_STATISTICS, in the view's column order. */
export type HeapRow = [
  threadId: number,
  threadName: string,
  usedHeapSize: number,
  totalHeapSize: number,
  heapSizeLimit: number,
  externalMemory: number,
  ageMs: number,
];

/** One row of information_schema.JS_HEAP_SAMPLES, in the view's column order. */
export type JsHeapSampleRow = [
  threadId: number,
  threadName: string,
  backTrace: string,
  allocCount: number,
  allocBytes: number,
  ageMs: number,
];

/** What the views read: the summary and the samples of every thread, and their JS heaps. */
export interface MemoryRows {
  summary: SummaryRow[];
  samples: SampleInfoRow[];
  heap: HeapRow[];
  /** Empty unless asked for (`rows({ heapSamples: true })`). */
  heapSamples: JsHeapSampleRow[];
}

/** How long a read of JS_HEAP_SAMPLES waits for the threads' fresh profiles. */
export const JS_HEAP_SAMPLE_WAIT_MS = 200;

/** OceanBase's tenant id of the system tenant: mydeno has one tenant. */
const TENANT_ID = 1;

/** What a session is counted as (THD, NET buffers, ...): an estimate, the same for all. */
export const SESSION_BYTES = 16 * 1024;

/** What a worker thread is counted as: the RSS of one isolate (DENO_NOTES: about 9 MB). */
export const WORKER_THREAD_BYTES = 9 * 1024 * 1024;

/** Prefix of the performance_schema event names. */
export const EVENT_PREFIX = "memory/mydeno/";

const COUNTERS = MEMORY_MODULES.length * SLOTS_PER_MODULE;

/** The memory trackers of all threads. */
export class MemoryRegistry {
  readonly config = new SharedArrayBuffer(CONFIG_BYTES);
  #configView = new Int32Array(this.config);
  #threads = new Map<number, MemoryThreadBuffers>();
  /** How to wake each worker from its wait (its inbound ring's owner does it). */
  #wakers = new Map<number, () => void>();
  /** Formats every thread's JS heap sample stacks (source maps are loaded here only). */
  #frames = new FrameFormatter();
  #nextThread = 0;
  #ended = new Float64Array(COUNTERS);
  /** Counters of the threads that were abandoned (see `detachThread`). */
  #abandoned = new Float64Array(COUNTERS);
  #endedSamples: SampleRow[] = [];
  /** `--memory-leak-exit`: memory outstanding at shutdown makes the exit code 1. */
  failOnLeak = false;
  /** svr_ip and svr_port of the sample rows (bind_address and port). */
  server = { ip: "127.0.0.1", port: 3306 };

  constructor() {
    this.#configView[ConfigSlot.MIN_INTERVAL] = DEFAULT_MIN_INTERVAL;
    this.#configView[ConfigSlot.MAX_INTERVAL] = DEFAULT_MAX_INTERVAL;
    this.#configView[ConfigSlot.JS_HEAP_INTERVAL] = DEFAULT_JS_HEAP_SAMPLE_INTERVAL;
  }

  /** Shared buffers for a new thread (the main thread attaches first, as thread 0). `wake`
   * interrupts the thread's wait when its JS heap samples are wanted. */
  attachThread(name: string, wake?: () => void): MemoryThreadBuffers {
    const buffers: MemoryThreadBuffers = {
      thread: this.#nextThread++,
      name,
      counters: new SharedArrayBuffer(THREAD_BUFFER_BYTES),
      config: this.config,
      heapSamples: new SharedArrayBuffer(JS_HEAP_BUFFER_BYTES),
    };
    this.#threads.set(buffers.thread, buffers);
    if (wake) this.#wakers.set(buffers.thread, wake);
    return buffers;
  }

  /**
   * A thread ended: fold its counters into the ended sums, keep its outstanding samples. A
   * thread that was `abandoned` (stuck in synchronous code, or died) never released what it
   * held; the shutdown sequence names it already, so its counts stay in the summary but out of
   * the leak check. Safe to call twice.
   */
  detachThread(thread: number, options: { abandoned?: boolean } = {}): void {
    const buffers = this.#threads.get(thread);
    if (!buffers) return;
    this.#threads.delete(thread);
    this.#wakers.delete(thread);
    const counters = new Float64Array(buffers.counters, 0, COUNTERS);
    if (options.abandoned) {
      addCounters(this.#abandoned, counters);
      return;
    }
    addCounters(this.#ended, counters);
    this.#endedSamples.push(...readSampleArea(buffers.counters));
  }

  /** Current sampling intervals. */
  get intervals(): { min: number; max: number } {
    return {
      min: this.#configView[ConfigSlot.MIN_INTERVAL]!,
      max: this.#configView[ConfigSlot.MAX_INTERVAL]!,
    };
  }

  /** Set both intervals for every thread at once (already validated). */
  setIntervals(min: number, max: number): void {
    Atomics.store(this.#configView, ConfigSlot.MIN_INTERVAL, min);
    Atomics.store(this.#configView, ConfigSlot.MAX_INTERVAL, max);
    Atomics.add(this.#configView, ConfigSlot.GENERATION, 1);
  }

  /** Take the start-up values of the memory variables, and where the server listens. Throws
   * `MysqlError` for intervals out of range or min > max. */
  configure(globals: ReadonlyMap<string, string | number>): void {
    const min = checkInterval(MIN_VARIABLE, globals.get(MIN_VARIABLE) ?? DEFAULT_MIN_INTERVAL);
    const max = checkInterval(MAX_VARIABLE, globals.get(MAX_VARIABLE) ?? DEFAULT_MAX_INTERVAL);
    if (min > max) throw minAboveMax(MIN_VARIABLE, min);
    this.setIntervals(min, max);
    this.#configView[ConfigSlot.DEBUG_LEAK] = Number(globals.get(DEBUG_LEAK_VARIABLE) ?? 0);
    const js = globals.get(JS_HEAP_VARIABLE) ?? DEFAULT_JS_HEAP_SAMPLE_INTERVAL;
    this.setJsHeapInterval(checkJsHeapInterval(js));
    this.failOnLeak = Number(globals.get(LEAK_EXIT_VARIABLE) ?? 0) === 1;
    this.server = {
      ip: String(globals.get("bind_address") ?? "127.0.0.1"),
      port: Number(globals.get("port") ?? 3306),
    };
  }

  /**
   * SET GLOBAL of a memory variable, before it is stored: `raw` as the statement gave it (an
   * interval out of [1, 10000] is ERR 1231, not clamped, as OceanBase refuses it), `checked` as
   * validated, `globals` the current values (min may not exceed max: ERR 1231).
   */
  setVariable(
    name: string,
    value: {
      raw: string | number;
      checked: string | number;
      globals: ReadonlyMap<string, unknown>;
    },
  ): void {
    if (name === DEBUG_LEAK_VARIABLE) {
      Atomics.store(this.#configView, ConfigSlot.DEBUG_LEAK, Number(value.checked) === 1 ? 1 : 0);
      return;
    }
    if (name === JS_HEAP_VARIABLE) {
      this.setJsHeapInterval(checkJsHeapInterval(value.raw));
      return;
    }
    if (name !== MIN_VARIABLE && name !== MAX_VARIABLE) return;
    const n = checkInterval(name, value.raw);
    const { min, max } = this.intervals;
    if (name === MIN_VARIABLE && n > max) throw minAboveMax(name, n);
    if (name === MAX_VARIABLE && n < min) throw minAboveMax(name, n);
    if (name === MIN_VARIABLE) this.setIntervals(n, max);
    else this.setIntervals(min, n);
  }

  /** Set `_js_heap_sample_interval` for every thread (already validated): this thread's
   * profiler follows at once, each worker when it next waits (woken now). */
  setJsHeapInterval(bytes: number): void {
    Atomics.store(this.#configView, ConfigSlot.JS_HEAP_INTERVAL, bytes);
    if (memoryTracker.buffers?.config === this.config) jsHeapSampler.applyInterval();
    for (const wake of this.#wakers.values()) wake();
  }

  /** Counters of all threads, live and ended, summed per label. */
  #sums(abandoned: boolean): Float64Array {
    const sums = this.#ended.slice();
    if (abandoned) addCounters(sums, this.#abandoned);
    for (const buffers of this.#threads.values()) {
      addCounters(sums, new Float64Array(buffers.counters, 0, COUNTERS));
    }
    return sums;
  }

  /** Rows of performance_schema.memory_summary_global_by_event_name. HIGH_* sum the threads'
   * own high watermarks, an upper bound of the global one. The leak check leaves out the
   * threads that were abandoned (`abandoned: false`). */
  summaryRows(options: { abandoned?: boolean } = {}): SummaryRow[] {
    const sums = this.#sums(options.abandoned ?? true);
    return MEMORY_MODULES.map((mod, i) => {
      const at = i * SLOTS_PER_MODULE;
      const countAlloc = sums[at + CounterSlot.COUNT_ALLOC]!;
      const countFree = sums[at + CounterSlot.COUNT_FREE]!;
      const bytesAlloc = sums[at + CounterSlot.BYTES_ALLOC]!;
      const bytesFree = sums[at + CounterSlot.BYTES_FREE]!;
      return [
        EVENT_PREFIX + mod,
        countAlloc,
        countFree,
        bytesAlloc,
        bytesFree,
        0,
        countAlloc - countFree,
        sums[at + CounterSlot.HIGH_COUNT]!,
        0,
        bytesAlloc - bytesFree,
        sums[at + CounterSlot.HIGH_BYTES]!,
      ];
    });
  }

  /** Outstanding samples of every thread (the main thread's own published first). */
  sampleRows(): SampleRow[] {
    memoryTracker.publish();
    const rows = [...this.#endedSamples];
    for (const buffers of this.#threads.values()) rows.push(...readSampleArea(buffers.counters));
    return rows;
  }

  /** The views' rows; JS_HEAP_SAMPLES' only with `heapSamples` (they cost a profile fetch
   * in every thread). */
  async rows(options: { heapSamples?: boolean } = {}): Promise<MemoryRows> {
    const heapSamples = options.heapSamples ? await this.jsHeapSampleRows() : [];
    const { ip, port } = this.server;
    const samples = this.sampleRows().map(([mod, ctx, ctxId, trace, count, bytes]) =>
      [ip, port, TENANT_ID, ctxId, mod, trace, ctx, count, bytes] satisfies SampleInfoRow
    );
    return { summary: this.summaryRows(), samples, heap: this.heapRows(), heapSamples };
  }

  /**
   * Every live thread's live sampled JS allocations by stack: each thread is asked for a fresh
   * profile (this one fetches its own) and given until `waitMs` to publish it; a thread that
   * did not (busy in a statement) shows what it published last, AGE_MS telling how old.
   */
  async jsHeapSampleRows(waitMs = JS_HEAP_SAMPLE_WAIT_MS): Promise<JsHeapSampleRow[]> {
    const deadline = performance.now() + waitMs;
    const threads = [...this.#threads.values()];
    await Promise.all(
      threads.map((b) =>
        b === memoryTracker.buffers
          ? jsHeapSampler.refresh()
          : requestJsHeapSamples(b.heapSamples, this.#wakers.get(b.thread), deadline)
      ),
    );
    const now = Date.now();
    return threads.flatMap((b) => {
      const { at, rows } = readJsHeapSamples(b.heapSamples);
      if (at === 0) return [];
      return rows.map(([frames, count, bytes]) =>
        [
          b.thread,
          b.name,
          this.#frames.backTrace(frames),
          count,
          bytes,
          now - at,
        ] satisfies JsHeapSampleRow
      );
    });
  }

  /** Each live thread's V8 heap as it last published it (the main thread's as of now). */
  heapRows(): HeapRow[] {
    memoryTracker.refreshHeap();
    const now = Date.now();
    return [...this.#threads.values()].map((b) => {
      const h = readHeapStatistics(b.counters);
      const at = h[HeapSlot.AT]!;
      return [
        b.thread,
        b.name,
        h[HeapSlot.USED]!,
        h[HeapSlot.TOTAL]!,
        h[HeapSlot.LIMIT]!,
        h[HeapSlot.EXTERNAL]!,
        at === 0 ? -1 : now - at,
      ];
    });
  }
}

/** The variables the registry applies. */
export const MIN_VARIABLE = "_min_malloc_sample_interval";
export const MAX_VARIABLE = "_max_malloc_sample_interval";
export const DEBUG_LEAK_VARIABLE = "debug_leak_memory";
export const LEAK_EXIT_VARIABLE = "memory_leak_exit";
function checkInterval(name: string, raw: unknown): number {
  const n = typeof raw === "number" ? raw : Number(String(raw).trim());
  if (!Number.isInteger(n) || n < SAMPLE_INTERVAL_MIN || n > SAMPLE_INTERVAL_MAX) {
    throw new MysqlError(
      ER.ER_WRONG_VALUE_FOR_VAR,
      `Variable '${name}' can't be set to the value of '${raw}'`,
    );
  }
  return n;
}

/** ERR 1231 for `_min_malloc_sample_interval` > `_max_malloc_sample_interval` (MySQL's text;
 * OceanBase refuses the pair the same way). */
function minAboveMax(name: string, value: number): MysqlError {
  return new MysqlError(
    ER.ER_WRONG_VALUE_FOR_VAR,
    `Variable '${name}' can't be set to the value of '${value}'`,
  );
}

function addCounters(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < from.length; i++) into[i]! += from[i]!;
}

/** The registry of this process; the main thread's tracker is its thread 0. */
export const memoryRegistry = new MemoryRegistry();
memoryTracker.attach(memoryRegistry.attachThread("main"));
