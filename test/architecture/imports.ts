/**
 * Reads the imports of the TypeScript files under src/ as text (type-only,
 * multi-line, re-exports and dynamic `import()` included), and names the
 * top folder of src each one reaches, for the import rules in this folder.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const SRC = fileURLToPath(new URL("../../src", import.meta.url));

/** An import from one file of src to another: paths relative to src, with `/`. */
export interface Import {
  from: string;
  to: string;
}

const SPECIFIERS = [
  // import x from "…", import type { … } from "…", export { … } from "…", export * from "…"
  /\b(?:import|export)\s+(?:type\s+)?[^;"'`]*?\bfrom\s*["']([^"']+)["']/g,
  // import "…" (for its effects)
  /\bimport\s*["']([^"']+)["']/g,
  // import("…"), in code or in a type
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
];

/** The module specifiers a file's text names, in no particular order. */
export function specifiersIn(text: string): string[] {
  const found = new Set<string>();
  for (const pattern of SPECIFIERS) for (const match of text.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

const inSrc = (path: string) => relative(SRC, path).split(sep).join(posix.sep);

/** Every import from a file under src to another (packages and the platform's modules left out). */
export function importsInSrc(): Import[] {
  const imports: Import[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const specifier of specifiersIn(readFileSync(file, "utf8"))) {
      if (!specifier.startsWith(".")) continue;
      imports.push({ from: inSrc(file), to: inSrc(join(dirname(file), specifier)) });
    }
  }
  return imports;
}

/** The top folder of src a path is in (`room` for `room/relays/relayFeed.ts`). */
export function topFolder(path: string): string {
  return path.split("/")[0]!;
}
