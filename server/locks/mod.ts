/** The server's locks: the shared lock table, a session's view of it, name hashing. */

export { createLockTableBuffer, LockOwner, LockTable, MdlMode } from "./lock_table.ts";
export { Duration, SessionLocks, type TableLockRequest } from "./session_locks.ts";
export { type LockTableSizes } from "./_layout.ts";
