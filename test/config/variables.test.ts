/**
 * The one table of variables (src/config/variables.ts) against what follows
 * it: the vars wrangler.toml sets (read as wrangler reads them, not as the
 * test pool overrides them) and the Configuration tables of the docs.
 */
import { readFileSync } from "node:fs";
import { experimental_readRawConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { VARIABLES } from "../../src/config/variables";
import { configurationTable, documentedTable } from "./configurationTable";

function expectedVars(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, variable] of Object.entries(VARIABLES)) {
    if (variable.type !== "secret") vars[name] = String(variable.default);
  }
  return vars;
}

describe("the table of variables", () => {
  it("wrangler.toml sets every var in it to its default, and no var outside it", () => {
    const { rawConfig } = experimental_readRawConfig({ config: "wrangler.toml" });
    expect({ ...rawConfig.vars }).toEqual(expectedVars());
  });

  it.each(["docs/CONFIGURATION.md", "docs/PROTOCOL.md"])("%s's Configuration table is the table", (path) => {
    const documented = documentedTable(readFileSync(path, "utf8"));
    expect(documented, `the table ${path} should hold:\n${configurationTable().join("\n")}\n`).toEqual(configurationTable());
  });
});
