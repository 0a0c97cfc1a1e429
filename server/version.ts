/** The server's version, in the one place it is spelled. */

/** mydeno's own release number. */
export const MYDENO_VERSION = "0.1.0";

/** The MySQL version the server speaks, as clients see it in the handshake and VERSION(). */
export const SERVER_VERSION = `8.0.36-mydeno-${MYDENO_VERSION}`;

/** Program name used in log lines and `--version`, like mariadbd's `my_progname`. */
export const PROGRAM_NAME = "mydeno";
