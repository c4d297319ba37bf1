/**
 * Temporary directories (wrangler's state, Listroom's snapshot, SQLite files,
 * perf data), made under the OS temp dir and removed when their owner stops,
 * or all at once by {@link removeAllTempDirs} when the run ends or is
 * interrupted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made = new Set<string>();

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}

/** Synchronous, so it also works from an `exit` handler. */
export function removeAllTempDirs(): void {
  for (const dir of [...made]) removeTempDir(dir);
}
