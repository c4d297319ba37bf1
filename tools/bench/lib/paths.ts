/** Where things are: the project root, the bundle we run from, the Node that runs us. */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The bundle (`.build/bench.mjs`), which is also the Node servers' entry point. */
export const BUNDLE_PATH = fileURLToPath(import.meta.url);
/** The bundle lives in `<root>/.build/`. */
export const PROJECT_ROOT = resolve(dirname(BUNDLE_PATH), "..");
export const WRANGLER_BIN = join(PROJECT_ROOT, "node_modules", ".bin", "wrangler");
export const BARE_CONFIG = join(PROJECT_ROOT, "tools", "bench", "bare", "wrangler.toml");
export const RESULTS_DIR = join(PROJECT_ROOT, "tools", "bench", "results");
export const PERFORMANCE_DOC = join(PROJECT_ROOT, "docs", "PERFORMANCE.md");

/** PATH with the Node running us first, so `.bin` scripts that run `node` get Node 22, not the machine's 20. */
export function pathWithOurNode(): string {
  return `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;
}
