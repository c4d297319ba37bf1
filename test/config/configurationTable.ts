/**
 * The Configuration table docs/CONFIGURATION.md and docs/PROTOCOL.md show,
 * rendered from the one table of variables (src/config/variables.ts). A test
 * compares each document's table with this; when a variable changes, paste
 * the rendering its failure prints.
 */
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

/** The rows of the first table after a document's `# Configuration` or `## Configuration` heading. */
export function documentedTable(markdown: string): string[] {
  const lines = markdown.split("\n");
  const heading = lines.findIndex((line) => line === "# Configuration" || line === "## Configuration");
  if (heading === -1) return [];
  const start = lines.findIndex((line, index) => index > heading && line.startsWith("|"));
  if (start === -1) return [];
  const end = lines.findIndex((line, index) => index > start && !line.startsWith("|"));
  return lines.slice(start, end === -1 ? undefined : end);
}
