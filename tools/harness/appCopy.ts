/**
 * A copy of the app to run from, taken when a long run starts. wrangler dev
 * reloads the Worker whenever a source file changes, and people edit `src/`
 * while chaos or the benchmark runs: a reload mid-run would be a restart
 * nobody planned, and a half-saved file would break it. node_modules is
 * linked, not copied.
 */
import { cpSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./paths";
import { makeTempDir, removeTempDir } from "./tempDirs";

/** What the app needs to build and serve under wrangler dev (its [build] runs `npm run build`). */
export const APP_FILES = ["wrangler.toml", "package.json", "tsconfig.json", "src", "public", "tools/build.mjs"] as const;

export interface AppCopy {
  dir: string;
  remove(): void;
}

/** `from`: another checkout of the project (the bench's `--also-tree`); node_modules is still this one's. */
export function copyApp(prefix = "listroom-app-", from = PROJECT_ROOT): AppCopy {
  const dir = makeTempDir(prefix);
  try {
    for (const path of APP_FILES) cpSync(join(from, path), join(dir, path), { recursive: true });
    symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  } catch (error) {
    removeTempDir(dir);
    throw error;
  }
  return { dir, remove: () => removeTempDir(dir) };
}
