/**
 * The main thread's view of every thread's memory tracker: it hands each new thread its shared
 * buffers, keeps the global sampling config (`_min_malloc_sample_interval`,
 * `_max_malloc_sample_interval`) that every tracker reads, and sums the counters of live and
 * ended threads for performance_schema.memory_summary_global_by_event_name. A thread that ended
 * with allocations outstanding keeps its last published samples here, so a leak in a worker
 * that is gone is still listed.
 *
 * Main thread only: a worker reaches this through `ServerLink.memoryRows`.
 */

import {
  ConfigSlot,
  CounterSlot,
  DEFAULT_MAX_INTERVAL,
  DEFAULT_MIN_INTERVAL,
  MEMORY_MODULES,
  type MemoryThreadBuffers,
  memoryTracker,
  readSampleArea,
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

/** What the views read: the summary and the samples of every thread. */
export interface MemoryRows {
  summary: SummaryRow[];
  samples: SampleInfoRow[];
}

/** OceanBase's tenant id of the system tenant: mydeno has one tenant. */
const TENANT_ID = 1;

/** Prefix of the performance_schema event names. */
export const EVENT_PREFIX = "memory/mydeno/";

const COUNTERS = MEMORY_MODULES.length * SLOTS_PER_MODULE;

/** The memory trackers of all threads. */
export class MemoryRegistry {
  readonly config = new SharedArrayBuffer(16);
  #configView = new Int32Array(this.config);
  #threads = new Map<number, MemoryThreadBuffers>();
  #nextThread = 0;
  #ended = new Float64Array(COUNTERS);
  #endedSamples: SampleRow[] = [];
  /** `--memory-leak-exit`: memory outstanding at shutdown makes the exit code 1. */
  failOnLeak = false;
  /** svr_ip and svr_port of the sample rows (bind_address and port). */
  server = { ip: "127.0.0.1", port: 3306 };

  constructor() {
    this.#configView[ConfigSlot.MIN_INTERVAL] = DEFAULT_MIN_INTERVAL;
    this.#configView[ConfigSlot.MAX_INTERVAL] = DEFAULT_MAX_INTERVAL;
  }

  /** Shared buffers for a new thread (the main thread attaches first, as thread 0). */
  attachThread(name: string): MemoryThreadBuffers {
    const buffers: MemoryThreadBuffers = {
      thread: this.#nextThread++,
      name,
      counters: new SharedArrayBuffer(THREAD_BUFFER_BYTES),
      config: this.config,
    };
    this.#threads.set(buffers.thread, buffers);
    return buffers;
  }

  /** A thread ended: fold its counters into the ended sums, keep its outstanding samples. */
  detachThread(thread: number): void {
    const buffers = this.#threads.get(thread);
    if (!buffers) return;
    this.#threads.delete(thread);
    const counters = new Float64Array(buffers.counters, 0, COUNTERS);
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

  /** Counters of all threads, live and ended, summed per label. */
  #sums(): Float64Array {
    const sums = this.#ended.slice();
    for (const buffers of this.#threads.values()) {
      addCounters(sums, new Float64Array(buffers.counters, 0, COUNTERS));
    }
    return sums;
  }

  /** Rows of performance_schema.memory_summary_global_by_event_name. HIGH_* sum the threads'
   * own high watermarks, an upper bound of the global one. */
  summaryRows(): SummaryRow[] {
    const sums = this.#sums();
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

  /** Both views' rows. */
  rows(): MemoryRows {
    const { ip, port } = this.server;
    const samples = this.sampleRows().map(([mod, ctx, ctxId, trace, count, bytes]) =>
      [ip, port, TENANT_ID, ctxId, mod, trace, ctx, count, bytes] satisfies SampleInfoRow
    );
    return { summary: this.summaryRows(), samples };
  }
}

function addCounters(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < from.length; i++) into[i]! += from[i]!;
}

/** The registry of this process; the main thread's tracker is its thread 0. */
export const memoryRegistry = new MemoryRegistry();
memoryTracker.attach(memoryRegistry.attachThread("main"));
