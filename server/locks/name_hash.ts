/**
 * Hashes that name locks in shared memory: a table's metadata lock slot and a user-level
 * lock's 64-bit identity.
 */

/** FNV-1a (32-bit) of `text`'s UTF-16 code units, starting from `basis`. */
function fnv1a32(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The MDL slot of table `db`.`name` among `slots`. Case-folded, so two spellings of one name
 * share a slot; two tables that collide only wait for each other (conservative, never wrong).
 */
export function mdlSlotOf(db: string, name: string, slots: number): number {
  return fnv1a32(`${db}\0${name}`.toLowerCase(), 0x811c9dc5) % slots;
}

const FNV64_PRIME = 0x100000001b3n;
const FNV64_BASIS = 0xcbf29ce484222325n;
const MASK64 = 0xffffffffffffffffn;

/**
 * The identity of a GET_LOCK name: 64-bit FNV-1a over the UTF-8 bytes of the lower-cased name
 * (MySQL compares user lock names case-insensitively), as two Int32 halves. Two different
 * names share an identity with probability about n²/2^65 for n names held at once.
 */
export function userLockHash(name: string): [hi: number, lo: number] {
  let h = FNV64_BASIS;
  for (const byte of new TextEncoder().encode(name.toLowerCase())) {
    h ^= BigInt(byte);
    h = (h * FNV64_PRIME) & MASK64;
  }
  return [Number(h >> 32n) | 0, Number(h & 0xffffffffn) | 0];
}
