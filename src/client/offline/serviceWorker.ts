/**
 * The service worker (built to `public/sw.js` by tools/build.mjs). It
 * precaches the shell of one build and serves it cache-first, so a list's
 * page opens with no network; the API and the socket always go to the
 * network, and nothing they answer is stored.
 *
 * Versions never mix: the build writes the list of shell files and the
 * SHA-256 of each into this script, so a new build is a new worker. It
 * installs into a cache named for its build, checks every file it fetched
 * against the hash it was built with (a deploy landing mid-install, or any
 * cache on the way handing back an old file, fails the install and the old
 * worker keeps serving its own build whole), and then waits. It takes over
 * only when the page asks, after the person pressed "Reload to update", and
 * the page reloads at once; then it drops the other builds' caches.
 * See https://web.dev/articles/service-worker-lifecycle.
 */
import { isOtherBuildsCache, shellCacheName, shellPathFor, SKIP_WAITING_MESSAGE, type ShellFile } from "./shell";

declare const self: ServiceWorkerGlobalScope;
/** Written by the build (esbuild `define`). */
declare const __SHELL_FILES__: ShellFile[];
declare const __BUILD_ID__: string;

const CACHE = shellCacheName(__BUILD_ID__);

function hex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function precacheFile(cache: Cache, file: ShellFile): Promise<void> {
  // "no-cache": revalidate with the server, never take the HTTP cache's word for it.
  const response = await fetch(file.path, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${file.path} answered ${response.status}`);
  const sha256 = hex(await crypto.subtle.digest("SHA-256", await response.clone().arrayBuffer()));
  if (sha256 !== file.sha256) throw new Error(`${file.path} is not the file of build ${__BUILD_ID__}`);
  await cache.put(file.path, response);
}

async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  try {
    await Promise.all(__SHELL_FILES__.map((file) => precacheFile(cache, file)));
  } catch (error) {
    await caches.delete(CACHE);
    throw error;
  }
}

async function dropOtherBuilds(): Promise<void> {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => isOtherBuildsCache(name, __BUILD_ID__)).map((name) => caches.delete(name)));
}

async function fromShell(path: string, request: Request): Promise<Response> {
  const cached = await (await caches.open(CACHE)).match(path);
  return cached ?? fetch(request);
}

self.addEventListener("install", (event) => event.waitUntil(precache()));
self.addEventListener("activate", (event) => event.waitUntil(dropOtherBuilds()));
self.addEventListener("message", (event) => {
  if (event.data === SKIP_WAITING_MESSAGE) void self.skipWaiting();
});
self.addEventListener("fetch", (event) => {
  const path = shellPathFor(event.request, self.location.origin, __SHELL_FILES__);
  if (path !== null) event.respondWith(fromShell(path, event.request));
});
