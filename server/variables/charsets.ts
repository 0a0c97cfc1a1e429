/**
 * The character sets and collations the server knows by name, with MySQL 8.0's ids and
 * defaults (SHOW CHARACTER SET / SHOW COLLATION). Used to validate character_set_* and
 * collation_* variables and SET NAMES.
 */

/** A character set: its default collation and longest character in bytes. */
export interface CharsetInfo {
  readonly name: string;
  readonly defaultCollation: string;
  readonly maxLen: number;
  readonly description: string;
}

/** A collation: its id (the protocol's collation number) and character set. */
export interface CollationInfo {
  readonly name: string;
  readonly id: number;
  readonly charset: string;
}

const CHARSET_LIST: readonly CharsetInfo[] = [
  { name: "ascii", defaultCollation: "ascii_general_ci", maxLen: 1, description: "US ASCII" },
  { name: "binary", defaultCollation: "binary", maxLen: 1, description: "Binary pseudo charset" },
  {
    name: "latin1",
    defaultCollation: "latin1_swedish_ci",
    maxLen: 1,
    description: "cp1252 West European",
  },
  { name: "ucs2", defaultCollation: "ucs2_general_ci", maxLen: 2, description: "UCS-2 Unicode" },
  { name: "utf16", defaultCollation: "utf16_general_ci", maxLen: 4, description: "UTF-16 Unicode" },
  { name: "utf32", defaultCollation: "utf32_general_ci", maxLen: 4, description: "UTF-32 Unicode" },
  {
    name: "utf8mb3",
    defaultCollation: "utf8mb3_general_ci",
    maxLen: 3,
    description: "UTF-8 Unicode",
  },
  {
    name: "utf8mb4",
    defaultCollation: "utf8mb4_0900_ai_ci",
    maxLen: 4,
    description: "UTF-8 Unicode",
  },
];

const COLLATION_LIST: ReadonlyArray<readonly [string, number]> = [
  ["latin1_swedish_ci", 8],
  ["utf8mb3_general_ci", 33],
  ["ucs2_general_ci", 35],
  ["utf8mb4_general_ci", 45],
  ["utf8mb4_bin", 46],
  ["latin1_bin", 47],
  ["latin1_general_ci", 48],
  ["latin1_general_cs", 49],
  ["utf16_general_ci", 54],
  ["utf32_general_ci", 60],
  ["binary", 63],
  ["ascii_bin", 65],
  ["utf8mb3_bin", 83],
  ["ascii_general_ci", 11],
  ["utf8mb3_unicode_ci", 192],
  ["utf8mb4_unicode_ci", 224],
  ["utf8mb4_unicode_520_ci", 246],
  ["utf8mb4_0900_ai_ci", 255],
  ["utf8mb4_0900_as_ci", 305],
  ["utf8mb4_0900_as_cs", 278],
  ["utf8mb4_0900_bin", 309],
];

/** Character sets by name. */
export const CHARSETS: ReadonlyMap<string, CharsetInfo> = new Map(
  CHARSET_LIST.map((c) => [c.name, c]),
);

/** Collations by name. */
export const COLLATIONS: ReadonlyMap<string, CollationInfo> = new Map(
  COLLATION_LIST.map(([name, id]) => {
    const charset = name === "binary" ? "binary" : name.slice(0, name.indexOf("_"));
    return [name, { name, id, charset }];
  }),
);

const COLLATIONS_BY_ID: ReadonlyMap<number, CollationInfo> = new Map(
  [...COLLATIONS.values()].map((c) => [c.id, c]),
);

/** MySQL 8.0.30+ spells `utf8` as `utf8mb3`; names compare case-insensitively. */
function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  if (lower === "utf8") return "utf8mb3";
  if (lower.startsWith("utf8_")) return `utf8mb3_${lower.slice(5)}`;
  return lower;
}

/** The character set called `name` (utf8 means utf8mb3), or undefined. */
export function findCharset(name: string): CharsetInfo | undefined {
  return CHARSETS.get(canonicalName(name));
}

/** The collation called `name` (utf8_* means utf8mb3_*), or undefined. */
export function findCollation(name: string): CollationInfo | undefined {
  return COLLATIONS.get(canonicalName(name));
}

/** The collation with protocol id `id` (as a handshake sends it), or undefined. */
export function collationById(id: number): CollationInfo | undefined {
  return COLLATIONS_BY_ID.get(id);
}
