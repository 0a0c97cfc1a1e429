/**
 * The shared memory of the lock table (private to server/locks): one Int32Array over a
 * SharedArrayBuffer the main thread creates and every session worker maps. One futex-style
 * mutex guards all of it; critical sections are a few dozen loads and stores, never a wait.
 *
 * Layout (Int32 words):
 *   header      HEADER_WORDS: mutex, generation, sizes, waiter count, wait sequence
 *   MDL slots   mdlSlots × 5: held counts of S, SW, SNR, X and the count of pending X requests
 *   owners      owners × ownerWords: connection id, what it waits for, its holdings
 *   user locks  userLocks × 5: 64-bit name hash (two words), owner connection id, owner
 *               index + 1 (0: free entry), recursion count
 */

/** Metadata lock modes (MySQL's MDL_SHARED_READ, _WRITE, _NO_READ_WRITE..., _EXCLUSIVE). */
export const MdlMode = {
  /** A statement reading the table (MDL_SHARED_READ). */
  S: 0,
  /** A statement writing the table (MDL_SHARED_WRITE). */
  SW: 1,
  /** LOCK TABLES ... READ: readers share it, writers wait (MDL_SHARED_READ_ONLY). */
  SNR: 2,
  /** LOCK TABLES ... WRITE and DDL: nobody else (MDL_EXCLUSIVE). */
  X: 3,
} as const;

/** One of `MdlMode`. */
export type MdlModeValue = typeof MdlMode[keyof typeof MdlMode];

/** Held modes each requested mode conflicts with, as a bit set over `MdlMode`. */
export const CONFLICTS: readonly number[] = [
  1 << MdlMode.X, // S
  (1 << MdlMode.SNR) | (1 << MdlMode.X), // SW
  (1 << MdlMode.SW) | (1 << MdlMode.X), // SNR
  0b1111, // X
];

/** What an owner waits for (the O_WAIT_KIND word). */
export const WaitKind = { NONE: 0, MDL: 1, USER: 2 } as const;

const H_MUTEX = 0;
/** Bumped (and notified) whenever a lock is released or a wait is withdrawn. */
export const H_GEN = 1;
const H_MDL_SLOTS = 2;
const H_OWNERS = 3;
const H_HOLDS = 4;
const H_USER_LOCKS = 5;
const H_WAITERS = 6;
const H_SEQ = 7;
const HEADER_WORDS = 8;

/** Words per MDL slot: held S, SW, SNR, X, then PENDING_X. */
export const MDL_WORDS = 5;
export const PENDING_X = 4;

export const O_CONN = 0;
export const O_WAIT_KIND = 1;
export const O_WAIT_A = 2;
export const O_WAIT_B = 3;
export const O_WAIT_SEQ = 4;
export const O_NHOLD = 5;
const OWNER_HEADER = 8;

export const U_HI = 0;
export const U_LO = 1;
export const U_CONN = 2;
export const U_OWNER = 3;
export const U_COUNT = 4;
export const USER_WORDS = 5;

/** Sizes of a lock table. */
export interface LockTableSizes {
  /** Hash buckets of "db.table" names (a collision only makes a wait conservative). */
  mdlSlots?: number;
  /** Sessions that can hold locks at once (max_connections plus headroom). */
  owners?: number;
  /** Distinct (table slot, mode) holdings per session. */
  holdings?: number;
  /** GET_LOCK names held at once, server-wide. */
  userLocks?: number;
}

/** Create the shared buffer of a lock table (main thread, once per server). */
export function createLockTableBuffer(sizes: LockTableSizes = {}): SharedArrayBuffer {
  const mdl = sizes.mdlSlots ?? 4096;
  const owners = sizes.owners ?? 1024;
  const holds = sizes.holdings ?? 256;
  const user = sizes.userLocks ?? 4096;
  const words = HEADER_WORDS + mdl * MDL_WORDS + owners * (OWNER_HEADER + 2 * holds) +
    user * USER_WORDS;
  const buffer = new SharedArrayBuffer(words * 4);
  const a = new Int32Array(buffer);
  a[H_MDL_SLOTS] = mdl;
  a[H_OWNERS] = owners;
  a[H_HOLDS] = holds;
  a[H_USER_LOCKS] = user;
  return buffer;
}

/** The lock table's words with its offsets and the mutex. */
export class LockMemory {
  readonly a: Int32Array;
  readonly mdlSlots: number;
  readonly owners: number;
  readonly holds: number;
  readonly userLocks: number;
  readonly ownerWords: number;
  readonly #mdlBase = HEADER_WORDS;
  readonly #ownerBase: number;
  readonly #userBase: number;

  constructor(buffer: SharedArrayBuffer) {
    this.a = new Int32Array(buffer);
    this.mdlSlots = this.a[H_MDL_SLOTS]!;
    this.owners = this.a[H_OWNERS]!;
    this.holds = this.a[H_HOLDS]!;
    this.userLocks = this.a[H_USER_LOCKS]!;
    this.ownerWords = OWNER_HEADER + 2 * this.holds;
    this.#ownerBase = this.#mdlBase + this.mdlSlots * MDL_WORDS;
    this.#userBase = this.#ownerBase + this.owners * this.ownerWords;
  }

  /** Take the mutex (Drepper's futex mutex: 0 free, 1 held, 2 held with waiters). */
  lock(): void {
    const a = this.a;
    let c = Atomics.compareExchange(a, H_MUTEX, 0, 1);
    if (c === 0) return;
    if (c !== 2) c = Atomics.exchange(a, H_MUTEX, 2);
    while (c !== 0) {
      Atomics.wait(a, H_MUTEX, 2, 5);
      c = Atomics.exchange(a, H_MUTEX, 2);
    }
  }

  unlock(): void {
    if (Atomics.exchange(this.a, H_MUTEX, 0) === 2) Atomics.notify(this.a, H_MUTEX, 1);
  }

  /** Word of MDL slot `slot`, field `k` (mode or PENDING_X). */
  mdl(slot: number, k: number): number {
    return this.#mdlBase + slot * MDL_WORDS + k;
  }

  /** First word of owner record `i`. */
  owner(i: number): number {
    return this.#ownerBase + i * this.ownerWords;
  }

  /** Word of holding `h` (key = slot * 4 + mode; the next word is its count) of owner `i`. */
  holding(i: number, h: number): number {
    return this.#ownerBase + i * this.ownerWords + OWNER_HEADER + 2 * h;
  }

  /** First word of user lock entry `e`. */
  user(e: number): number {
    return this.#userBase + e * USER_WORDS;
  }

  /** The generation now (read under or outside the mutex). */
  generation(): number {
    return Atomics.load(this.a, H_GEN);
  }

  /** Wake every waiter: something was released (call with or without the mutex). */
  bump(): void {
    Atomics.add(this.a, H_GEN, 1);
    if (Atomics.load(this.a, H_WAITERS) > 0) Atomics.notify(this.a, H_GEN);
  }

  /** Count a waiter in or out (so releases skip the notify when nobody waits). */
  waiters(delta: number): void {
    Atomics.add(this.a, H_WAITERS, delta);
  }

  /** The next wait sequence number (higher: started waiting later, "younger"). */
  nextSeq(): number {
    const a = this.a;
    a[H_SEQ] = (a[H_SEQ]! + 1) & 0x7fffffff;
    return a[H_SEQ]!;
  }

  /** Index of the owner record of `connectionId`, or -1 (under the mutex). */
  findOwner(connectionId: number): number {
    for (let i = 0; i < this.owners; i++) {
      if (this.a[this.owner(i) + O_CONN] === connectionId) return i;
    }
    return -1;
  }
}
