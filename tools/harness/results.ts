/**
 * Where a tool writes what it measured or judged: `.results/<tool>/` in the
 * project, which git ignores, so that no run ever changes a tracked file.
 * `--save DIR` writes to DIR instead, for a run kept on purpose (the curated
 * ones under docs/results/ that the docs cite).
 */
import { mkdirSync } from "node:fs";
import { relative, resolve } from "node:path";
import { PROJECT_ROOT } from "./paths";

export const RESULTS_ROOT = resolve(PROJECT_ROOT, ".results");

/** The folder for this run's output, made if missing: `save` (relative to the project) or `.results/<tool>`. */
export function resultsDir(tool: "bench" | "chaos", save: string | undefined): string {
  const dir = save === undefined ? resolve(RESULTS_ROOT, tool) : resolve(PROJECT_ROOT, save);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A path as the project sees it, for log lines. */
export function shown(path: string): string {
  return relative(PROJECT_ROOT, path) || ".";
}
