/**
 * `npm run bench -- cold-start [REV,…]`: the Worker's size and its cold
 * start on workerd for the working tree and for earlier revisions (by
 * default the tree just before the Worker was made small, 1b85094^), each
 * started fresh several times: the runtime's age when the first
 * `GET /api/items?limit=1` answers 200, and that first request alone.
 * Writes <results folder>/<date>-cold-start.json.
 *
 * An old tree is exported with `git archive` and bundled with this
 * checkout's node_modules. Where it imports `@hono/zod-validator`, which this
 * checkout no longer installs, a twenty-line stand-in (Hono's validator
 * calling the schema's `safeParseAsync`, as the package does) is aliased in:
 * the bundle keeps the old tree's full `zod`, which is what made it big.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { APP_FILES } from "../../harness/appCopy";
import { PROJECT_ROOT } from "../../harness/paths";
import { makeTempDir } from "../../harness/tempDirs";
import { round, spread, type Spread } from "../lib/stats";
import { buildWorkerBundle, type WorkerBundle } from "../systems/workerBundle";
import { startWorkerdSystem } from "../systems/workerd";
import { snapshotListroom } from "../systems/wrangler";

export const DEFAULT_COLD_START_REVISIONS = ["1b85094^"];
const STARTS = 7;

const ZOD_VALIDATOR_STAND_IN = `import { validator } from "hono/validator";
export function zValidator(target, schema, hook) {
  return validator(target, async (value, c) => {
    const result = await schema.safeParseAsync(value);
    if (hook) {
      const answer = await hook({ ...result, target, data: value }, c);
      if (answer) return answer;
    }
    if (!result.success) return c.json(result, 400);
    return result.data;
  });
}
`;

interface ColdStartRow {
  tree: string;
  commit: string;
  scriptBytes: number;
  scriptGzipBytes: number;
  starts: number;
  spawnToFirstOkMs: Spread;
  firstOkRequestMs: Spread;
}

function exportRevision(revision: string): { dir: string; commit: string } {
  const commit = execFileSync("git", ["rev-parse", revision], { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
  const dir = makeTempDir("listroom-bench-tree-");
  const archive = execFileSync("git", ["archive", "--format=tar", commit, ...APP_FILES], { cwd: PROJECT_ROOT, maxBuffer: 256 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  const manifest = readFileSync(join(dir, "package.json"), "utf8");
  if (manifest.includes("@hono/zod-validator") && !existsSync(join(PROJECT_ROOT, "node_modules", "@hono", "zod-validator"))) {
    writeFileSync(join(dir, "zod-validator-stand-in.mjs"), ZOD_VALIDATOR_STAND_IN);
    appendFileSync(join(dir, "wrangler.toml"), `\n[alias]\n"@hono/zod-validator" = "./zod-validator-stand-in.mjs"\n`);
  }
  return { dir, commit };
}

interface Tree {
  tree: string;
  commit: string;
  bundle: WorkerBundle;
  spawnToFirstOk: number[];
  firstRequest: number[];
}

/** One fresh start: the runtime's age at the first 200, and that first request. */
async function startOnce(tree: Tree, serverCpu: number | null): Promise<void> {
  const system = await startWorkerdSystem({
    name: "listroom-workerd",
    bundle: tree.bundle,
    vars: {},
    healthPath: "/api/items?limit=1",
    usagePath: null,
    cpu: serverCpu,
  });
  await system.stop();
  if (system.coldStart) {
    tree.spawnToFirstOk.push(system.coldStart.spawnToFirstOkMs);
    tree.firstRequest.push(system.coldStart.firstOkRequestMs);
  }
}

export async function coldStarts(revisions: string[], serverCpu: number | null, outDir: string, log: (line: string) => void): Promise<void> {
  const current = snapshotListroom();
  const trees: Tree[] = [{ tree: "working tree", commit: current.provenance.commit, bundle: buildWorkerBundle(current.dir), spawnToFirstOk: [], firstRequest: [] }];
  for (const revision of revisions) {
    const { dir, commit } = exportRevision(revision);
    trees.push({ tree: revision, commit, bundle: buildWorkerBundle(dir), spawnToFirstOk: [], firstRequest: [] });
  }
  // Interleaved, so that whatever else the machine does falls on every tree alike.
  for (let start = 0; start < STARTS; start++) for (const tree of trees) await startOnce(tree, serverCpu);
  const rows: ColdStartRow[] = trees.map((tree) => ({
    tree: tree.tree,
    commit: tree.commit,
    scriptBytes: tree.bundle.bytes,
    scriptGzipBytes: tree.bundle.gzipBytes,
    starts: tree.spawnToFirstOk.length,
    spawnToFirstOkMs: spread(tree.spawnToFirstOk),
    firstOkRequestMs: spread(tree.firstRequest),
  }));
  for (const row of rows) {
    log(
      `${row.tree} (${row.commit.slice(0, 7)}): ${round(row.scriptBytes / 1024, 1)} KiB (${round(row.scriptGzipBytes / 1024, 1)} KiB gzipped); ` +
        `spawn → first 200 ${row.spawnToFirstOkMs.median} ms [${row.spawnToFirstOkMs.min}–${row.spawnToFirstOkMs.max}], ` +
        `first request ${row.firstOkRequestMs.median} ms [${row.firstOkRequestMs.min}–${row.firstOkRequestMs.max}]`,
    );
  }
  const file = join(outDir, `${new Date().toISOString().slice(0, 10)}-cold-start.json`);
  writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), startsEach: STARTS, rows }, null, 2)}\n`);
  log(`wrote ${file}`);
}
