/**
 * What the service worker answers from its cache, decided without the
 * worker's globals so that it is tested in Node. The shell is the page's own
 * files (HTML, script, style, manifest, icons), all from one build; every
 * navigation to a list's page gets the one HTML page. Everything else (the
 * API, the socket, the seed's routes, source maps) goes to the network
 * untouched, and nothing from the network is cached after install. Which
 * paths are a list's page is the page's and the Worker's own rule
 * (`listIdFromPath`, protocol/lists.ts): a path it names no list for goes to
 * the network, whose answer is the server's "No such list" page.
 */
import { listIdFromPath } from "../../protocol/lists";

/** One precached file and the SHA-256 (hex) of the bytes the build wrote. */
export interface ShellFile {
  path: string;
  sha256: string;
}

export const SERVICE_WORKER_PATH = "/sw.js";
/** The message a page posts to a waiting worker when the person chose "Reload to update". */
export const SKIP_WAITING_MESSAGE = "listroom:skip-waiting";

const SHELL_CACHE_PREFIX = "listroom-shell-";
const PAGE_PATH = "/";

/** One cache per build, so a build's files are only ever served together. */
export function shellCacheName(buildId: string): string {
  return `${SHELL_CACHE_PREFIX}${buildId}`;
}

/** Caches of other builds, to delete once this build is active. */
export function isOtherBuildsCache(name: string, buildId: string): boolean {
  return name.startsWith(SHELL_CACHE_PREFIX) && name !== shellCacheName(buildId);
}

export interface RequestFacts {
  url: string;
  method: string;
  mode: string;
}

/** The cached path that answers a request, or null to leave it to the network. */
export function shellPathFor(request: RequestFacts, origin: string, shell: readonly ShellFile[]): string | null {
  if (request.method !== "GET") return null;
  const url = new URL(request.url);
  if (url.origin !== origin) return null;
  if (request.mode === "navigate") return listIdFromPath(url.pathname) === null ? null : PAGE_PATH;
  return shell.some((file) => file.path === url.pathname) ? url.pathname : null;
}
