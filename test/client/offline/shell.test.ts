import { describe, expect, it } from "vitest";
import {
  isOtherBuildsCache,
  shellCacheName,
  shellPathFor,
  type ShellFile,
} from "../../../src/client/offline/shell";
import { BAD_LIST_LINKS, LIST_PAGE_PATHS } from "../../protocol/listPathCases";

const ORIGIN = "https://listroom.test";
const SHELL: ShellFile[] = ["/", "/app.js", "/styles.css", "/favicon.svg"].map((path) => ({ path, sha256: "0" }));

function answer(path: string, mode = "no-cors", method = "GET", origin = ORIGIN): string | null {
  return shellPathFor({ url: `${origin}${path}`, method, mode }, ORIGIN, SHELL);
}

describe("the service worker's shell", () => {
  it("answers every navigation to a list's page with the one HTML page", () => {
    expect(answer("/", "navigate")).toBe("/");
    expect(answer("/?from=home-screen", "navigate")).toBe("/");
    for (const { path } of LIST_PAGE_PATHS) expect(answer(path, "navigate"), path).toBe("/");
  });

  it("leaves a link that names no list to the network, whose answer is the server's No such list page", () => {
    for (const path of BAD_LIST_LINKS) expect(answer(path, "navigate"), path).toBeNull();
  });

  it("answers the shell's own files, whatever their query", () => {
    expect(answer("/app.js")).toBe("/app.js");
    expect(answer("/styles.css?v=2")).toBe("/styles.css");
  });

  it("leaves the API, the socket, the seed's routes, source maps and other sites to the network", () => {
    for (const path of ["/api/items", "/api/items?before=x", "/ws", "/list", "/app.js.map", "/sw.js"]) {
      expect(answer(path)).toBeNull();
    }
    expect(answer("/api/items", "navigate")).toBeNull();
    expect(answer("/list", "navigate")).toBeNull();
    expect(answer("/api/items", "cors", "POST")).toBeNull();
    expect(answer("/app.js", "no-cors", "GET", "https://elsewhere.test")).toBeNull();
  });

  it("keeps one cache per build and knows the others' to drop", () => {
    expect(shellCacheName("b2")).not.toBe(shellCacheName("b1"));
    expect(isOtherBuildsCache(shellCacheName("b1"), "b2")).toBe(true);
    expect(isOtherBuildsCache(shellCacheName("b2"), "b2")).toBe(false);
    expect(isOtherBuildsCache("someone-elses-cache", "b2")).toBe(false);
  });
});
