/**
 * Where the project is, from wherever this module runs: its source under
 * tools/harness/ (vitest) or a bundle in .build/ (chaos, soak, bench). Both
 * sit below the project root, the nearest folder with a wrangler.toml.
 */
import { existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "wrangler.toml")) && existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no wrangler.toml above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
export const WRANGLER_BIN = join(PROJECT_ROOT, "node_modules", ".bin", "wrangler");

/** PATH with the Node running us first, so `.bin` scripts that run `node` get Node 22, not the machine's 20. */
export function pathWithOurNode(): string {
  return `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`;
}
