/** Where the benchmark's own things are: the bundle we run from and the bare Worker (results: tools/harness/results.ts). */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PROJECT_ROOT } from "../../harness/paths";

/** The bundle (`.build/bench.mjs`), which is also the Node servers' entry point. */
export const BUNDLE_PATH = fileURLToPath(import.meta.url);
export const BARE_CONFIG = join(PROJECT_ROOT, "tools", "bench", "bare", "wrangler.toml");
