/**
 * A client socket's buffers in the memory tracker, mod_name `net_buffer` (MySQL's
 * `memory/sql/NET::buff`): the connection's read buffer while its read loop runs, and the bytes
 * of a packet that the framer holds between reads because the rest has not arrived. Context:
 * the client's address (the VIO does not know the connection id).
 *
 * The hot path, a read that ends on a packet boundary, costs one getter and one comparison:
 * nothing is tracked or allocated per packet.
 */

import { type MemoryHandle, memoryTracker } from "../memory/memory_tracker.ts";
import type { PeerAddress } from "./peer_address.ts";

/** What this needs to know of the framer. */
interface FramerState {
  readonly hasPartialPacket: boolean;
  /** Bytes received and not yet returned as part of a packet. */
  readonly bufferedBytes: number;
}

/** The tracked buffers of one VIO. */
export class VioMemory {
  readonly #ctx: string;
  #buffer: MemoryHandle;
  #partial: MemoryHandle | null = null;

  /** Track the read buffer of `bufferBytes` of the client at `peer`. */
  constructor(peer: PeerAddress, bufferBytes: number) {
    this.#ctx = peer.unix ? "client localhost (socket)" : `client ${peer.ip}:${peer.port}`;
    this.#buffer = memoryTracker.track("net_buffer", this.#ctx, bufferBytes);
  }

  /** After a read: follow what the framer holds of a partial packet. */
  framed(framer: FramerState): void {
    const bytes = framer.hasPartialPacket ? framer.bufferedBytes : 0;
    const partial = this.#partial;
    if (partial === null ? bytes === 0 : partial.bytes === bytes) return;
    if (partial !== null) memoryTracker.release(partial);
    this.#partial = bytes === 0 ? null : memoryTracker.track("net_buffer", this.#ctx, bytes);
  }

  /** The read loop ended: release everything. Safe to call twice. */
  close(): void {
    memoryTracker.release(this.#buffer);
    if (this.#partial !== null) memoryTracker.release(this.#partial);
    this.#partial = null;
  }
}
