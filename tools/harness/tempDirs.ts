/**
 * Temporary directories (wrangler's state, a copy of the app, SQLite files,
 * perf data), made under the OS temp dir and removed when their owner is
 * done, or all at once when this process ends (lifecycle.ts): after every
 * process group is killed, so that nothing writes into a directory while it goes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCleanup } from "./lifecycle";
import { killAllGroupsNow } from "./processGroup";

const made = new Set<string>();
let cleanupRegistered = false;

export function makeTempDir(prefix: string): string {
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    onCleanup(() => {
      killAllGroupsNow();
      removeAllTempDirs();
    });
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.delete(dir);
}

/** Synchronous, so it also works from an `exit` handler. */
export function removeAllTempDirs(): void {
  for (const dir of [...made]) removeTempDir(dir);
}
