/**
 * The Worker bundles the workerd column runs: exactly what `wrangler deploy`
 * would upload (`wrangler deploy --dry-run --outdir`), built once per run,
 * Listroom from a snapshot of the repository (so edits under src/ during the
 * run change nothing) and the bare room from tools/bench/bare. Building runs
 * the config's [build] command too, as a deploy would.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { pathWithOurNode, WRANGLER_BIN } from "../../harness/paths";
import { makeTempDir } from "../../harness/tempDirs";

const BUILD_TIMEOUT_MS = 180_000;

export interface WorkerBundle {
  /** Folder holding the built modules. */
  dir: string;
  mainModule: string;
  /** The wrangler config whose bindings the bundle expects. */
  configPath: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * Builds the Worker of the project in `projectDir` (config `configPath`, its
 * wrangler.toml by default); `readable` leaves it unminified, so that a
 * profile names functions (the source map places them either way).
 */
export function buildWorkerBundle(projectDir: string, configPath = join(projectDir, "wrangler.toml"), readable = false): WorkerBundle {
  const dir = makeTempDir("listroom-bench-bundle-");
  const args = ["deploy", "--dry-run", "--config", configPath, "--outdir", dir, ...(readable ? ["--minify=false"] : [])];
  const build = spawnSync(WRANGLER_BIN, args, {
    cwd: projectDir,
    encoding: "utf8",
    timeout: BUILD_TIMEOUT_MS,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", PATH: pathWithOurNode() },
  });
  if (build.status !== 0) {
    throw new Error(`wrangler deploy --dry-run failed in ${projectDir}: ${`${build.stdout}\n${build.stderr}`.slice(-2000)}`);
  }
  // The one module a bundled Worker uploads, named after its entry (index.js, worker.js); beside it only a map and a README.
  const mainModule = readdirSync(dir).find((name) => /\.m?js$/.test(name));
  if (mainModule === undefined) throw new Error(`wrangler deploy --dry-run wrote no module to ${dir}`);
  const script = readFileSync(join(dir, mainModule));
  return { dir, mainModule, configPath, bytes: script.length, gzipBytes: gzipSync(script).length };
}
