/**
 * The client's core stays the core: src/client/core imports only itself and
 * src/protocol (never the view, the page's entry or offline/), none of its
 * modules names the page's globals, and the tools that drive the client
 * without a browser (chaos, bench) reach it only through its core. The
 * core's own tsconfig (no `dom` lib, no @types) is the first guard against a
 * DOM use; this test is the second, and the only one for the direction of
 * imports.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const CLIENT = join(ROOT, "src/client");
const CORE = join(CLIENT, "core");
const PROTOCOL = join(ROOT, "src/protocol");

/** The page's own globals, which core takes through interfaces (KeyValueStore, Scheduler, SocketLike) when it needs them. */
const PAGE_GLOBALS = /^(document|window|localStorage|sessionStorage|navigator|HTML\w*Element)$/;

/** Objects through which a global is reached by name (`globalThis.document`). */
const GLOBAL_OBJECTS = new Set(["globalThis", "self", "window"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => /\.(ts|mts|mjs|js)$/.test(name))
    .map((name) => join(dir, name));
}

const isInside = (path: string, dir: string) => path === dir || path.startsWith(dir + sep);
const shown = (path: string) => relative(ROOT, path);

/** Every module `source` (at `file`) imports or re-exports, `import type` and `import()` included, as written. */
function importsOf(file: string, source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((imported) => imported.fileName);
}

/** The imports of `file` that leave the folders it may use: bare packages, or relative paths outside `allowed`. */
function importsOutside(file: string, source: string, allowed: readonly string[]): string[] {
  return importsOf(file, source).filter((specifier) => {
    if (!specifier.startsWith(".")) return true;
    const target = resolve(dirname(file), specifier);
    return !allowed.some((dir) => isInside(target, dir));
  });
}

/**
 * Where `source` names a page global: as an identifier of its own, or as a
 * property of `globalThis`/`self`/`window`. A name the module declares itself
 * (a parameter `window: SendWindow`, say) is its own, not the global.
 */
function pageGlobalsIn(source: string): string[] {
  const file = ts.createSourceFile("module.ts", source, ts.ScriptTarget.Latest, true);
  const declared = new Set<string>();
  const collect = (node: ts.Node): void => {
    if ((ts.isParameter(node) || ts.isVariableDeclaration(node) || ts.isBindingElement(node)) && ts.isIdentifier(node.name)) declared.add(node.name.text);
    ts.forEachChild(node, collect);
  };
  collect(file);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && PAGE_GLOBALS.test(node.text) && !declared.has(node.text) && !isPropertyName(node)) found.push(node.text);
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      GLOBAL_OBJECTS.has(node.expression.text) &&
      PAGE_GLOBALS.test(node.name.text)
    ) {
      found.push(`${node.expression.text}.${node.name.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** `x.document`, `{ document: … }`, `document(): …` in a type: a name of a member, not a global. */
function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isQualifiedName(parent) && parent.right === node) ||
    ((ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessorDeclaration(parent) ||
      ts.isSetAccessorDeclaration(parent)) &&
      parent.name === node)
  );
}

describe("the client's core", () => {
  const files = sourceFiles(CORE);

  it("holds the modules tools/chaos drives", () => {
    expect(files.map(shown)).toEqual(expect.arrayContaining(["src/client/core/liveConnection.ts", "src/client/core/outbox.ts"]));
  });

  it("imports nothing but itself and src/protocol", () => {
    const outside = files.flatMap((file) => importsOutside(file, readFileSync(file, "utf8"), [CORE, PROTOCOL]).map((spec) => `${shown(file)}: ${spec}`));
    expect(outside).toEqual([]);
  });

  it("names none of the page's globals (document, window, elements, storage, navigator)", () => {
    const uses = files.flatMap((file) => pageGlobalsIn(readFileSync(file, "utf8")).map((name) => `${shown(file)}: ${name}`));
    expect(uses).toEqual([]);
  });

  it("is all of the client that tools/chaos and tools/bench import", () => {
    const tools = ["tools/chaos", "tools/bench"].flatMap((dir) => sourceFiles(join(ROOT, dir)));
    const pastCore = tools.flatMap((file) =>
      importsOf(file, readFileSync(file, "utf8"))
        .filter((specifier) => specifier.startsWith("."))
        .map((specifier) => resolve(dirname(file), specifier))
        .filter((target) => isInside(target, CLIENT) && !isInside(target, CORE))
        .map((target) => `${shown(file)}: ${shown(target)}`),
    );
    expect(pastCore).toEqual([]);
  });
});

describe("the checks this file makes", () => {
  const file = join(CORE, "example.ts");

  it("catch an import of the view, of offline/, of the page's entry and of a package", () => {
    const source = [
      'import { ListView } from "../view/listView";',
      'import type { SavedList } from "../offline/savedLists";',
      'export * from "../main";',
      'import "some-package";',
      'import { Inbox } from "./inbox";',
      'import type { Item } from "../../protocol/item";',
    ].join("\n");
    expect(importsOutside(file, source, [CORE, PROTOCOL])).toEqual(["../view/listView", "../offline/savedLists", "../main", "some-package"]);
  });

  it("catch a page global, however it is reached, and pass a member of the same name", () => {
    const source = [
      "const title = document.title;",
      "let box: HTMLInputElement | null = null;",
      "globalThis.localStorage.clear();",
      "const online = navigator.onLine;",
      "const fine = { document: 1, navigator: 2 };",
      "fine.document + host.window;",
      "interface Host { localStorage(): void }",
      "function ack(window: { frames: number }) { return window.frames; }",
    ].join("\n");
    expect(pageGlobalsIn(source)).toEqual(["document", "HTMLInputElement", "globalThis.localStorage", "navigator"]);
  });
});
