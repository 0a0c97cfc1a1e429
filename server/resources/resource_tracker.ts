/**
 * Tracked resources: what the server opened and must close before it exits (listeners, client
 * sockets, session threads, the notify socket). Each `acquire` keeps the stack where the
 * resource was opened; the last step of shutdown lists what is still held, with that stack, so
 * a leak is reported where it began instead of as a hang or a crash at exit (the failure of
 * MariaDB's MDEV-32484, where a session was destroyed while still linked in the registry).
 *
 * The stack is captured as an `Error` and only formatted when a leak is reported, so an
 * acquire costs about a microsecond.
 */

/** One held resource. */
export interface TrackedResource {
  /** What it is: "listener", "client socket", "session thread", ... */
  readonly kind: string;
  /** Which one: an address, a connection id, a worker name. */
  readonly name: string;
  /** Where it was acquired (the call stack, innermost first, without this module's frame). */
  where(): string;
  /** Mark it released. Safe to call twice. */
  release(): void;
}

class Entry implements TrackedResource {
  readonly kind: string;
  readonly name: string;
  readonly #origin: Error;
  readonly #owner: ResourceTracker;

  constructor(owner: ResourceTracker, kind: string, name: string) {
    this.#owner = owner;
    this.kind = kind;
    this.name = name;
    this.#origin = new Error("acquired");
  }

  where(): string {
    const lines = (this.#origin.stack ?? "").split("\n").slice(1);
    // Drop the tracker's own frames: the first line that matters is the caller of acquire().
    const own = lines.findIndex((line) => !line.includes("resource_tracker.ts"));
    return lines.slice(Math.max(0, own)).map((line) => line.trim()).join("\n");
  }

  release(): void {
    this.#owner.forget(this);
  }
}

/** The set of held resources of one process. */
export class ResourceTracker {
  #held = new Set<Entry>();

  /** Record that a resource was opened; call `release()` on the result when it is closed. */
  acquire(kind: string, name: string): TrackedResource {
    const entry = new Entry(this, kind, name);
    this.#held.add(entry);
    return entry;
  }

  /** @internal Used by `TrackedResource.release`. */
  forget(entry: TrackedResource): void {
    this.#held.delete(entry as Entry);
  }

  /** Resources still held, oldest first. */
  held(): TrackedResource[] {
    return [...this.#held];
  }
}

/** The tracker of this process (the main thread's resources). */
export const resources = new ResourceTracker();
