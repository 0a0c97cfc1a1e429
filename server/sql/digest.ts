/**
 * Statement digests: the token sequence with every literal replaced by `?`, as MySQL's
 * performance_schema digests statements. Statements with one digest share one compiled plan; the
 * literals become the plan's bound values.
 */

import type { Token } from "./lexer.ts";
import { encodeBinaryText } from "./column_values.ts";

const ESCAPED_BYTE = /[\udc80-\udcff]/;

/** The value a literal token binds as: integers as bigint (SQLite binds JS numbers as REAL). */
export function literalValue(t: Token): string | number | bigint | Uint8Array {
  switch (t.kind) {
    case "number": {
      const v = t.value;
      if (/^\d+$/.test(v)) {
        // Past the store's signed 64-bit range the digits bind as text; a BIGINT UNSIGNED
        // column's converter parses them exactly.
        const b = BigInt(v);
        return b > 9223372036854775807n ? v : b;
      }
      return Number(v);
    }
    case "hex": {
      const h = t.value.length % 2 ? "0" + t.value : t.value;
      const out = new Uint8Array(h.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
      return out;
    }
    case "bit":
      return t.value === "" ? 0 : Number.parseInt(t.value, 2);
    default:
      if (t.introducer === "_binary") return encodeBinaryText(t.value);
      // A literal holding bytes that are not UTF-8 binds as those bytes (SQLite would turn the
      // escaped bytes of protocol/query_text.ts into U+FFFD if it were bound as text).
      if (ESCAPED_BYTE.test(t.value)) return encodeBinaryText(t.value);
      return t.value.includes("\0") ? t.value.replaceAll("\0", "\ufdd0") : t.value;
  }
}

/** A statement's digest key (prefixed by `prefix`, e.g. the current database) and its literals. */
export function digest(
  tokens: Token[],
  prefix: string,
): { key: string; literals: (string | number | bigint | Uint8Array)[] } {
  let key = prefix;
  const literals: (string | number | bigint | Uint8Array)[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    switch (t.kind) {
      case "string":
        key += t.introducer === "_binary" ? " ?b" : " ?s";
        literals.push(literalValue(t));
        break;
      case "number":
      case "hex":
      case "bit":
        key += " ?" + t.kind[0];
        literals.push(literalValue(t));
        break;
      case "word":
        // Spelling as written: result column names come from it (SELECT C names the column C).
        key += " " + t.value;
        break;
      case "quoted":
        key += " `" + t.value + "`";
        break;
      case "user_var":
        key += " @" + t.value;
        break;
      case "sys_var":
        key += " @@" + t.value;
        break;
      case "eof":
        break;
      default:
        key += " " + t.value;
    }
  }
  return { key, literals };
}
