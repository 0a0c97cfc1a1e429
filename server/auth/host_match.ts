/**
 * Matching a client host against account host patterns, the way MySQL picks an account
 * (MySQL manual "Access Control, Stage 1"): `%` is any run of characters, `_` any one; an IP
 * may be written `ip/netmask`; host names compare case-insensitively; the most specific pattern
 * wins.
 */

const LOOPBACK = ["localhost", "127.0.0.1", "::1"];

/**
 * The names a client host is known by. A loopback or Unix-socket client is `localhost`, and
 * also 127.0.0.1 and ::1 (MySQL resolves 127.0.0.1 to localhost unless skip_name_resolve is
 * on), so `mariadb -h127.0.0.1 -uroot` finds root@localhost.
 */
export function clientHostNames(clientHost: string): string[] {
  const host = clientHost.toLowerCase().replace(/^::ffff:/, "");
  return LOOPBACK.includes(host) ? [host, ...LOOPBACK.filter((h) => h !== host)] : [host];
}

/** Whether `pattern` (`%`, `_` wildcards, `\` escapes, or ip/netmask) matches `host`. */
export function hostMatches(pattern: string, host: string): boolean {
  const slash = pattern.indexOf("/");
  if (slash > 0) return netmaskMatches(pattern.slice(0, slash), pattern.slice(slash + 1), host);
  return wildcardMatches(pattern.toLowerCase(), host.toLowerCase());
}

/** LIKE-style matching: `%` any run, `_` one character, `\` escapes the next one. */
export function wildcardMatches(pattern: string, text: string): boolean {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]!);
    else if (c === "%") re += "[\\s\\S]*";
    else if (c === "_") re += "[\\s\\S]";
    else re += escapeRegExp(c);
  }
  return new RegExp(`${re}$`).test(text);
}

function escapeRegExp(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function ipv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    return null;
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function netmaskMatches(ip: string, mask: string, host: string): boolean {
  const a = ipv4(ip);
  const m = ipv4(mask);
  const h = ipv4(host);
  if (a === null || m === null || h === null) return false;
  // Bitwise ops on 32-bit values: >>> 0 keeps them unsigned.
  return ((h & m) >>> 0) === ((a & m) >>> 0);
}

/**
 * How specific a host pattern is; higher sorts first. Exact names and IPs first, then
 * ip/netmask, then wildcard patterns by how late their first wildcard comes, `%` (and "") last
 * (MySQL's ACL sort by host "wildness").
 */
export function hostSpecificity(pattern: string): number {
  if (pattern === "" || pattern === "%") return 0;
  if (pattern.includes("/")) return 2_000_000;
  const first = pattern.search(/(?<!\\)[%_]/);
  if (first < 0) return 3_000_000;
  return 1_000 + first;
}
