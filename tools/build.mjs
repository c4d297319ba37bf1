// The page's build (`npm run build`, run by wrangler before `dev` and
// `deploy`): bundles src/client into public/app.js, then the service worker
// into public/sw.js with the build written into it: the shell's files and
// the SHA-256 of each as built, and a build id derived from them. A change to
// any shell file is therefore a new sw.js, which the browser notices as a new
// version (see src/client/offline/serviceWorker.ts). Files are only written
// when their bytes change, so wrangler's watch on public/ settles after one
// extra run.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const publicDir = `${root}public`;

/** What a list's page needs to open with no network, by URL path; "/" is index.html. */
const SHELL_PATHS = [
  "/",
  "/app.js",
  "/styles.css",
  "/print.css",
  "/favicon.svg",
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/maskable.svg",
];

/**
 * Gzipped (level 9) bytes each script may take; a build over one fails, so growth is a decision, not a drift.
 * app.js: 18 → 20 KiB for protocol 5's page (issue 30: edits by field, the collision dialog, offline and held-back status), ~1.6 KiB;
 * 20 → 21.5 KiB for adding several lines at once (issue 31: Title's lines, the batch in the outbox, its Undo), ~1.4 KiB.
 */
const BUDGETS = { "app.js": 21.5 * 1024, "sw.js": 4 * 1024 };

const common = { bundle: true, minify: true, target: "es2022", write: false, logLevel: "warning" };

function writeIfChanged(path, contents) {
  if (existsSync(path) && readFileSync(path).equals(Buffer.from(contents))) return;
  writeFileSync(path, contents);
}

async function bundle(options) {
  const result = await build({ ...common, ...options });
  for (const file of result.outputFiles) writeIfChanged(file.path, file.contents);
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

await bundle({
  entryPoints: [`${root}src/client/main.ts`],
  outfile: `${publicDir}/app.js`,
  format: "esm",
  sourcemap: true,
});

const shellFiles = SHELL_PATHS.map((path) => ({
  path,
  sha256: sha256(readFileSync(`${publicDir}${path === "/" ? "/index.html" : path}`)),
}));
const buildId = sha256(shellFiles.map((file) => `${file.path} ${file.sha256}\n`).join("")).slice(0, 16);

await bundle({
  entryPoints: [`${root}src/client/offline/serviceWorker.ts`],
  outfile: `${publicDir}/sw.js`,
  format: "iife",
  define: { __SHELL_FILES__: JSON.stringify(shellFiles), __BUILD_ID__: JSON.stringify(buildId) },
});

for (const [name, budget] of Object.entries(BUDGETS)) {
  const gzipped = gzipSync(readFileSync(`${publicDir}/${name}`), { level: 9 }).length;
  if (gzipped > budget) {
    console.error(`public/${name} is ${gzipped} bytes gzipped, over its budget of ${budget} (tools/build.mjs)`);
    process.exit(1);
  }
}
