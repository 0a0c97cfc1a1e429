/** The client's address as MySQL reports it (USER(), SHOW PROCESSLIST, the error log). */

/** Where a connection comes from. */
export interface PeerAddress {
  /** "localhost" for loopback and the Unix socket, like MySQL; otherwise the IP address. */
  host: string;
  /** Client TCP port; 0 for the Unix socket. */
  port: number;
  /** The client IP ("" for the Unix socket), kept for the log. */
  ip: string;
  /** True for the Unix socket. */
  unix: boolean;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
function isLoopback(ip: string): boolean {
  const v4 = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  return v4.startsWith("127.") || ip === "::1" || ip === "0:0:0:0:0:0:0:1";
}

/** Describe the remote end of an accepted connection. */
export function peerAddressOf(addr: Deno.Addr): PeerAddress {
  if (addr.transport === "tcp" || addr.transport === "udp") {
    const ip = addr.hostname;
    return { host: isLoopback(ip) ? "localhost" : ip, port: addr.port, ip, unix: false };
  }
  return { host: "localhost", port: 0, ip: "", unix: true };
}
