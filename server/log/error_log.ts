/**
 * The error log, in MariaDB's format (sql/log.cc `print_buffer_to_file`):
 *
 *     2026-11-22 13:01:34 0 [Note] mydeno: ready for connections.
 *
 * local time, the connection id (0 for the server itself), the level in brackets (Note, Warning,
 * ERROR), then the message. Records go through LogTape under the category "mydeno". On the main
 * thread the sink writes lines to stderr or the `--log-error` file; in a session worker the sink
 * forwards each record to the main thread, which writes it (one writer, no interleaving).
 */

import {
  configureSync,
  getLogger,
  type LogLevel,
  type LogRecord,
  resetSync,
} from "@logtape/logtape";

/** The LogTape category of every server log record. */
export const LOG_CATEGORY = "mydeno";

/** Error-log levels as MariaDB prints them. */
export type ErrorLogLevel = "Note" | "Warning" | "ERROR";

/** One log line's content as it crosses from a worker to the main thread. */
export interface ErrorLogEntry {
  /** Milliseconds since the epoch. */
  timestamp: number;
  level: ErrorLogLevel;
  /** Connection id the line is about; 0 for the server. */
  thread: number;
  message: string;
}

let output: Deno.FsFile | null = null;
const encoder = new TextEncoder();

/** Map a LogTape level onto MariaDB's three error-log levels. */
function errorLogLevelOf(level: LogLevel): ErrorLogLevel {
  if (level === "error" || level === "fatal") return "ERROR";
  if (level === "warning") return "Warning";
  return "Note";
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** Format one error-log line (with its final newline), e.g. `2026-11-22 13:01:34 0 [Note] x`. */
export function formatErrorLogLine(entry: ErrorLogEntry): string {
  const d = new Date(entry.timestamp);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${date} ${time} ${entry.thread} [${entry.level}] ${entry.message}\n`;
}

function messageOf(record: LogRecord): string {
  let text = "";
  for (let i = 0; i < record.message.length; i++) {
    const part = record.message[i];
    text += typeof part === "string" ? part : String(part);
  }
  return text;
}

function entryOf(record: LogRecord): ErrorLogEntry {
  const thread = record.properties["thread"];
  return {
    timestamp: record.timestamp,
    level: errorLogLevelOf(record.level),
    thread: typeof thread === "number" ? thread : 0,
    message: messageOf(record),
  };
}

/** Write one entry to the configured output (main thread). Never throws: logging must not
 * take the server down. */
export function writeErrorLogEntry(entry: ErrorLogEntry): void {
  const bytes = encoder.encode(formatErrorLogLine(entry));
  try {
    const sink = output ?? Deno.stderr;
    let done = 0;
    while (done < bytes.length) done += sink.writeSync(bytes.subarray(done));
  } catch {
    // A full disk or closed stderr must not stop the server; the line is lost.
  }
}

function configureSink(sink: (record: LogRecord) => void): void {
  configureSync({
    reset: true,
    sinks: { errorLog: sink },
    loggers: [
      { category: LOG_CATEGORY, sinks: ["errorLog"], lowestLevel: "info" },
      { category: ["logtape", "meta"], sinks: ["errorLog"], lowestLevel: "warning" },
    ],
  });
}

/** Options of `configureErrorLog`. */
export interface ErrorLogOptions {
  /** Path of the `--log-error` file; stderr when absent. */
  file?: string | undefined;
}

/** Set up the error log on the main thread. Call `closeErrorLog` when done. */
export function configureErrorLog(options: ErrorLogOptions = {}): void {
  closeErrorLog();
  if (options.file) {
    output = Deno.openSync(options.file, { append: true, create: true, write: true });
  }
  configureSink((record) => writeErrorLogEntry(entryOf(record)));
}

/** Set up the log inside a session worker: every record is handed to `forward`, which posts
 * it to the main thread. */
export function configureWorkerLog(forward: (entry: ErrorLogEntry) => void): void {
  configureSink((record) => forward(entryOf(record)));
}

/** Stop logging and close the log file. Safe to call twice. */
export function closeErrorLog(): void {
  resetSync();
  if (output) {
    try {
      output.close();
    } catch {
      // already closed
    }
    output = null;
  }
}

const logger = getLogger(LOG_CATEGORY);

// Messages go in as a property so that braces in them (SQL text) are never read as LogTape
// placeholders.

/** Log a `[Note]` line; `thread` is the connection id (0 for the server). */
export function logNote(message: string, thread = 0): void {
  logger.info("{message}", { message, thread });
}

/** Log a `[Warning]` line. */
export function logWarning(message: string, thread = 0): void {
  logger.warn("{message}", { message, thread });
}

/** Log an `[ERROR]` line. */
export function logError(message: string, thread = 0): void {
  logger.error("{message}", { message, thread });
}
