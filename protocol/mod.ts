/**
 * The MySQL classic protocol codecs: pure and synchronous, `Uint8Array` in, `Uint8Array` out.
 *
 * @module
 */

export * from "./auth.ts";
export * from "./binary_protocol.ts";
export * from "./commands.ts";
export * from "./constants.ts";
export * from "./generic_response.ts";
export * from "./handshake.ts";
export * from "./number_format.ts";
export * from "./packet_framer.ts";
export * from "./packet_reader.ts";
export * from "./packet_writer.ts";
export * from "./protocol_error.ts";
export * from "./resultset.ts";
