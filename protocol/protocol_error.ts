/**
 * The one error type of the protocol codecs. Decoders throw it on bad input; callers and tests
 * match on its stable `code`, never on the message.
 */

/**
 * Why a codec rejected its input:
 * - `truncated`: the payload ended before a field did.
 * - `malformed`: a field holds a value the protocol does not allow.
 * - `too_large`: a packet exceeds max_allowed_packet (the server answers ER_NET_PACKET_TOO_LARGE).
 * - `out_of_order`: a continuation frame has the wrong sequence id (ER_NET_PACKETS_OUT_OF_ORDER).
 * - `ssl_request`: the client sent an SSLRequest instead of a HandshakeResponse41.
 * - `pre41_client`: the client does not speak CLIENT_PROTOCOL_41 (HandshakeResponse320).
 */
export type ProtocolErrorCode =
  | "truncated"
  | "malformed"
  | "too_large"
  | "out_of_order"
  | "ssl_request"
  | "pre41_client";

/** A protocol-level failure with a stable `code`. */
export class ProtocolError extends Error {
  /** Stable reason callers branch on. */
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
  }
}
