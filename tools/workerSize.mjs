// The Worker's size budget: the script `wrangler deploy` uploads, gzipped, at
// most WORKER_GZIP_BUDGET bytes, so growth is a decision, not a drift (like
// the page script's budget in tools/build.mjs). A test runs it in `npm test`
// (test/tools/workerSize.test.ts); by hand:
//
//   node tools/workerSize.mjs            # the size, and exit 1 over the budget
//   node tools/workerSize.mjs --analyze  # and what each module adds, before gzip
//
// The script is bundled here with esbuild the way wrangler 4.156 bundles it
// for a deploy (bundleWorker in wrangler's cli.js: its target, conditions,
// loaders and defines, and wrangler.toml's main, minify and keep_names), which
// takes a fraction of a second where `wrangler deploy --dry-run` takes
// seconds and runs the page's build first. The output is byte for byte what
// `wrangler deploy --dry-run --outdir DIR` writes to DIR/index.js (compare the
// two after upgrading wrangler), and it is gzipped at zlib's default level,
// as wrangler's "Total Upload: … / gzip: …" line counts it.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { analyzeMetafile, build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

export const WORKER_GZIP_BUDGET = 40 * 1024;

/** A top-level setting of wrangler.toml (above its first table), as written there. */
function topLevelSetting(key) {
  const top = readFileSync(`${root}wrangler.toml`, "utf8").split(/^\[/m)[0];
  const match = new RegExp(`^${key}\\s*=\\s*(.+?)\\s*(#.*)?$`, "m").exec(top);
  if (match === null) throw new Error(`wrangler.toml sets no ${key}, which tools/workerSize.mjs reads`);
  return match[1];
}

/**
 * The deployed Worker script's size.
 *
 * @returns {Promise<{ bytes: number, gzipBytes: number, metafile: import("esbuild").Metafile }>}
 */
export async function measureWorker() {
  const production = JSON.stringify("production");
  const result = await build({
    entryPoints: [`${root}${JSON.parse(topLevelSetting("main"))}`],
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    target: "es2024",
    supported: { "import-source": true, using: true },
    conditions: ["workerd", "worker", "browser"],
    external: ["__STATIC_CONTENT_MANIFEST", "cloudflare:*"],
    define: {
      "process.env.NODE_ENV": production,
      "global.process.env.NODE_ENV": production,
      "globalThis.process.env.NODE_ENV": production,
    },
    loader: { ".js": "jsx", ".mjs": "jsx", ".cjs": "jsx" },
    minify: topLevelSetting("minify") === "true",
    keepNames: topLevelSetting("keep_names") === "true",
    // Linked, as wrangler writes it: the script ends with its sourceMappingURL comment.
    sourcemap: true,
    outfile: `${root}.build/worker/index.js`,
    write: false,
    metafile: true,
    logLevel: "warning",
  });
  const script = result.outputFiles.find((file) => file.path.endsWith(".js"));
  return { bytes: script.contents.length, gzipBytes: gzipSync(script.contents).length, metafile: result.metafile };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { bytes, gzipBytes, metafile } = await measureWorker();
  if (process.argv.includes("--analyze")) console.log(await analyzeMetafile(metafile));
  const over = gzipBytes > WORKER_GZIP_BUDGET;
  const line = `the Worker is ${bytes} bytes, ${gzipBytes} gzipped; its budget is ${WORKER_GZIP_BUDGET} (tools/workerSize.mjs)`;
  if (over) console.error(`${line}: over by ${gzipBytes - WORKER_GZIP_BUDGET}`);
  else console.log(line);
  process.exit(over ? 1 : 0);
}
