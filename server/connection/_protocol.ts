/** The protocol codecs the main thread uses: framing, and the one ERR packet it sends itself. */

import { writeErr } from "../../protocol/generic_response.ts";
import { PacketOutput } from "../../protocol/packet_writer.ts";
import type { MysqlError } from "../errors/mysql_error.ts";

export { PacketFramer } from "../../protocol/packet_framer.ts";
export { ProtocolError } from "../../protocol/protocol_error.ts";

/**
 * One framed ERR packet with sequence id `sequenceId`. Before the client's handshake response
 * the server does not know whether it speaks 4.1, so MySQL leaves out the SQLSTATE marker
 * (`protocol41: false`), e.g. for ER_CON_COUNT_ERROR sent instead of the greeting.
 */
export function encodeErrPacket(
  error: MysqlError,
  sequenceId: number,
  options: { protocol41?: boolean } = {},
): Uint8Array {
  const out = new PacketOutput(64);
  out.sequenceId = sequenceId;
  writeErr(out, {
    code: error.code,
    sqlState: error.sqlState,
    message: error.message,
    protocol41: options.protocol41 ?? true,
  });
  return out.take();
}
