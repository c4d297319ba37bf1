/**
 * The server's layers, checked: each folder of src imports only from the
 * folders below it, `protocol ← shared ← config ← delivery ← {room, relay,
 * quota} ← worker`. The objects on one layer never import each other: the
 * list's object and its relays exchange only the types in src/shared, and
 * nothing imports the Worker. The browser's client imports only the
 * protocol. A folder the rule does not place fails too, so a new one is
 * placed on purpose.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importsInSrc, specifiersIn, SRC, topFolder, type Import } from "./imports";

/** Each server folder's layer: a folder may import from layers below its own, and from itself. */
const LAYERS: Record<string, number> = { protocol: 0, shared: 1, config: 2, delivery: 3, room: 4, relay: 4, quota: 4, worker: 5 };
/** The page's code: bundled for the browser on its own, it shares only the protocol with the server. */
const CLIENT_MAY_IMPORT = new Set(["client", "protocol"]);

function allowed({ from, to }: Import): boolean {
  const [source, target] = [topFolder(from), topFolder(to)];
  if (source === target) return true;
  if (source === "client") return CLIENT_MAY_IMPORT.has(target);
  const [sourceLayer, targetLayer] = [LAYERS[source], LAYERS[target]];
  return sourceLayer !== undefined && targetLayer !== undefined && targetLayer < sourceLayer;
}

const imports = importsInSrc();
const crossing = (from: string, to: string) => imports.filter((i) => topFolder(i.from) === from && topFolder(i.to) === to);

describe("the layers of src", () => {
  it("every folder of src has its place in the rule", () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders.filter((folder) => LAYERS[folder] === undefined && !CLIENT_MAY_IMPORT.has(folder))).toEqual([]);
  });

  it("every import goes down the layers: protocol ← shared ← config ← delivery ← {room, relay, quota} ← worker", () => {
    expect(imports.filter((i) => !allowed(i)).map(({ from, to }) => `${from} imports ${to}`)).toEqual([]);
  });

  it("the list's object and its relays never import each other, and nothing imports the Worker", () => {
    expect(crossing("room", "relay")).toEqual([]);
    expect(crossing("relay", "room")).toEqual([]);
    expect(imports.filter((i) => topFolder(i.to) === "worker" && topFolder(i.from) !== "worker")).toEqual([]);
  });

  it("the rule sees the imports it judges: the Worker's of the objects, the engine's of the protocol", () => {
    expect(crossing("worker", "room").length).toBeGreaterThan(0);
    expect(crossing("delivery", "protocol").length).toBeGreaterThan(0);
  });
});

describe("reading imports", () => {
  it("finds type-only, multi-line, re-exported, side-effect and dynamic imports", () => {
    const text = [
      `import type { A } from "../room/a";`,
      `import {\n  B,\n  type C,\n} from "../relay/b";`,
      `export { D } from "./d";`,
      `export * from "../shared/e";`,
      `import "./effects";`,
      `type F = import("../worker/f").F;`,
      `const g = await import("../delivery/g");`,
    ].join("\n");
    expect(specifiersIn(text).sort()).toEqual(["../delivery/g", "../relay/b", "../room/a", "../shared/e", "../worker/f", "./d", "./effects"]);
  });

  it("judges a relay importing the list's object, or the engine importing the list, as going the wrong way", () => {
    expect(allowed({ from: "relay/ListRelay.ts", to: "room/ListRoom" })).toBe(false);
    expect(allowed({ from: "delivery/engine.ts", to: "room/itemStore" })).toBe(false);
    expect(allowed({ from: "shared/relayRpc.ts", to: "delivery/log/deliveryLog" })).toBe(false);
    expect(allowed({ from: "client/main.ts", to: "shared/tokens" })).toBe(false);
    expect(allowed({ from: "room/ListRoom.ts", to: "delivery/engine" })).toBe(true);
  });
});
