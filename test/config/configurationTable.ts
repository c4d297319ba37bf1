/**
 * The Configuration tables docs/CONFIGURATION.md and docs/PROTOCOL.md show,
 * rendered from the one table of variables (src/config/variables.ts) and the
 * one table of per-address limits (src/config/rateLimits.ts). A test compares
 * each document's tables with these; when a variable or a limit changes,
 * paste the rendering its failure prints.
 */
import { RATE_LIMITS, type RateLimit } from "../../src/config/rateLimits";
import { VARIABLES, type Variable } from "../../src/config/variables";

const HEADER = ["| var | default | accepts | meaning |", "| --- | --- | --- | --- |"];

/** 86400000 as "86 400 000". */
function grouped(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}

function row(name: string, variable: Variable): string {
  switch (variable.type) {
    case "whole number":
      return `| \`${name}\` | ${variable.default} | ${grouped(variable.min)} – ${grouped(variable.max)} | ${variable.meaning} |`;
    case "switch":
      return `| \`${name}\` | ${variable.default} | \`true\` or \`false\` | ${variable.meaning} |`;
    case "secret":
      return `| \`${name}\` (secret) | unset | ${variable.accepts} | ${variable.meaning} |`;
  }
}

export function configurationTable(): string[] {
  return [...HEADER, ...Object.entries(VARIABLES).map(([name, variable]) => row(name, variable))];
}

const RATE_LIMIT_HEADER = ["| binding | default | counts | over it |", "| --- | --- | --- | --- |"];

function rateLimitRow(name: string, { limit, periodSeconds, counts }: RateLimit): string {
  return `| \`${name}\` | ${limit} per ${periodSeconds} s | ${counts} | \`429 rate_limited\`, \`Retry-After: ${periodSeconds}\` |`;
}

export function rateLimitTable(): string[] {
  return [...RATE_LIMIT_HEADER, ...Object.entries(RATE_LIMITS).map(([name, limit]) => rateLimitRow(name, limit))];
}

/**
 * The rows of the first table after a document's `# Configuration` or `## Configuration` heading whose
 * header is `header` (any, when not given).
 */
export function documentedTable(markdown: string, header?: string): string[] {
  const lines = markdown.split("\n");
  const heading = lines.findIndex((line) => line === "# Configuration" || line === "## Configuration");
  if (heading === -1) return [];
  const start = lines.findIndex((line, index) => index > heading && line.startsWith("|") && (header === undefined || line === header));
  if (start === -1) return [];
  const end = lines.findIndex((line, index) => index > start && !line.startsWith("|"));
  return lines.slice(start, end === -1 ? undefined : end);
}

export const RATE_LIMIT_TABLE_HEADER = RATE_LIMIT_HEADER[0]!;
