/** Paths the test helpers share: the repository root and the gitignored scratch folder. */

/** The repository root (the folder holding `main.ts`), without a trailing slash. */
export function repoRoot(): string {
  return decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
}

/** `tests/.tmp`, where tests keep datadirs and logs (gitignored). */
export function tmpRoot(): string {
  return `${repoRoot()}/tests/.tmp`;
}
