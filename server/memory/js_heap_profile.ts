/**
 * V8's sampling heap profile (DevTools protocol `HeapProfiler.getSamplingProfile`) as rows of
 * information_schema.JS_HEAP_SAMPLES: one row per stack, with the number of live samples taken
 * there and V8's estimate of the live bytes they stand for.
 *
 * A profile node is one JavaScript stack (from the root down to the allocating function); V8
 * names each frame by where its function starts in the code it ran. Each thread flattens its
 * own profile into stacks of such raw frames (`flattenProfile`), innermost first, without
 * Deno's and Node's own frames (`ext:`, `node:`) except the innermost one, where the allocation
 * happened. The main thread formats them (`FrameFormatter`) like the memory tracker's stacks,
 * `server/x.ts:12:3 fn`, mapping TypeScript positions back to the source through the module's
 * source map (`node:module` `findSourceMap`). It does so for every thread because node:module
 * keeps each source map it loaded for good (about 80 KiB per file): once per process, not once
 * per worker.
 */

import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";

/** A frame as the profile gives it (0-based line and column in the code V8 ran). */
export interface ProfileCallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** A node of the profile's tree. */
export interface ProfileNode {
  callFrame: ProfileCallFrame;
  /** Bytes of the live samples of this very stack, scaled by the sampling interval. */
  selfSize: number;
  id: number;
  children: ProfileNode[];
}

/** `HeapProfiler.SamplingHeapProfile`, the parts used. */
export interface SamplingHeapProfile {
  head: ProfileNode;
  /** One entry per live sample (V8 8.0 and later). */
  samples?: { size: number; nodeId: number; ordinal: number }[];
}

/** A frame as published: url, 0-based line and column, function name. */
export type RawFrame = [url: string, line: number, column: number, functionName: string];

/** One stack: its frames (innermost first), live sample count, estimated live bytes. */
export type RawHeapSampleRow = [frames: RawFrame[], allocCount: number, allocBytes: number];

/** Frames kept per stack (as the memory tracker's samples). */
const MAX_FRAMES = 8;
/** Where the source tree starts, cut from frames so they read `server/x.ts:12:3`. */
const ROOT_URL = new URL("../../", import.meta.url).href;
/** Formatted frames remembered; the cache starts over beyond this. */
const FRAME_CACHE_LIMIT = 20000;

/** True for the runtime's own code and V8's pseudo-frames. */
function isInternal(frame: ProfileCallFrame): boolean {
  const url = frame.url;
  return url === "" || url.startsWith("ext:") || url.startsWith("node:");
}

/** The stack of `path` (root first): innermost first, runtime frames dropped. */
function stackOf(path: readonly ProfileCallFrame[]): RawFrame[] {
  const frames: RawFrame[] = [];
  for (let i = path.length - 1; i >= 0 && frames.length < MAX_FRAMES; i--) {
    const f = path[i]!;
    if (frames.length > 0 && isInternal(f)) continue;
    if (f.url === "" && f.functionName === "(root)") continue;
    frames.push([f.url, f.lineNumber, f.columnNumber, f.functionName]);
  }
  return frames;
}

/** The profile's live allocations by stack, most bytes first, at most `maxRows` rows. */
export function flattenProfile(profile: SamplingHeapProfile, maxRows: number): RawHeapSampleRow[] {
  const counts = new Map<number, number>();
  for (const s of profile.samples ?? []) counts.set(s.nodeId, (counts.get(s.nodeId) ?? 0) + 1);
  const groups = new Map<string, RawHeapSampleRow>();
  const path: ProfileCallFrame[] = [];
  const visit = (node: ProfileNode): void => {
    path.push(node.callFrame);
    const count = counts.get(node.id) ?? 0;
    if (count > 0 || node.selfSize > 0) {
      const frames = stackOf(path);
      // Trimmed stacks of different nodes may read the same: one row.
      const key = JSON.stringify(frames);
      const row = groups.get(key);
      if (row) {
        row[1] += count;
        row[2] += node.selfSize;
      } else groups.set(key, [frames, count, node.selfSize]);
    }
    for (const child of node.children) visit(child);
    path.pop();
  };
  visit(profile.head);
  return [...groups.values()].sort((a, b) => b[2] - a[2]).slice(0, maxRows);
}

/** Formats published frames as `file:line:column function`, innermost first (main thread). */
export class FrameFormatter {
  #frames = new Map<string, string>();

  /** The readable stack of `frames`. */
  backTrace(frames: readonly RawFrame[]): string {
    return frames.map((f) => this.#format(f)).join("; ");
  }

  #format(frame: RawFrame): string {
    const key = frame.join("\u0000");
    let text = this.#frames.get(key);
    if (text === undefined) {
      if (this.#frames.size >= FRAME_CACHE_LIMIT) this.#frames.clear();
      text = frameText(frame);
      this.#frames.set(key, text);
    }
    return text;
  }
}

/** One frame, its position mapped back to the TypeScript source when there is a source map. */
function frameText([url, line0, column0, name]: RawFrame): string {
  if (url === "") return name;
  let line = line0 + 1;
  let column = column0 + 1;
  const origin = sourceMapOf(url)?.findOrigin(line, column);
  if (origin && "lineNumber" in origin) {
    line = origin.lineNumber;
    column = origin.columnNumber;
  }
  const where = url.startsWith(ROOT_URL) ? url.slice(ROOT_URL.length) : url;
  return name === "" ? `${where}:${line}:${column}` : `${where}:${line}:${column} ${name}`;
}

/** The source map of a transpiled module (node:module keeps it), or null. */
function sourceMapOf(url: string): ReturnType<typeof findSourceMap> | null {
  if (!url.startsWith("file:") || url.endsWith(".js") || url.endsWith(".mjs")) return null;
  try {
    return findSourceMap(fileURLToPath(url)) ?? null;
  } catch {
    return null;
  }
}
