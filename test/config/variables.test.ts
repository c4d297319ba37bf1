/**
 * The one table of variables (src/config/variables.ts) and the one table of
 * per-address limits (src/config/rateLimits.ts) against what follows them:
 * the vars and `[[ratelimits]]` wrangler.toml sets (read as wrangler reads
 * them, not as the test pool overrides them) and the Configuration tables of
 * the docs.
 */
import { readFileSync } from "node:fs";
import { experimental_readRawConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { RATE_LIMITS } from "../../src/config/rateLimits";
import { VARIABLES } from "../../src/config/variables";
import { configurationTable, documentedTable, RATE_LIMIT_TABLE_HEADER, rateLimitTable } from "./configurationTable";

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

  it("wrangler.toml sets every per-address limit as the table says, and no other", () => {
    const { rawConfig } = experimental_readRawConfig({ config: "wrangler.toml" });
    const configured = Object.fromEntries((rawConfig.ratelimits ?? []).map(({ name, simple }: { name: string; simple: { limit: number; period: number } }) => [name, { limit: simple.limit, periodSeconds: simple.period }]));
    const described = Object.fromEntries(Object.entries(RATE_LIMITS).map(([name, { limit, periodSeconds }]) => [name, { limit, periodSeconds }]));
    expect(configured).toEqual(described);
  });

  it.each(["docs/CONFIGURATION.md", "docs/PROTOCOL.md"])("%s's table of per-address limits is the table", (path) => {
    const documented = documentedTable(readFileSync(path, "utf8"), RATE_LIMIT_TABLE_HEADER);
    expect(documented, `the table ${path} should hold:\n${rateLimitTable().join("\n")}\n`).toEqual(rateLimitTable());
  });

  it.each(["docs/CONFIGURATION.md", "docs/PROTOCOL.md"])("%s's Configuration table is the table", (path) => {
    const documented = documentedTable(readFileSync(path, "utf8"));
    expect(documented, `the table ${path} should hold:\n${configurationTable().join("\n")}\n`).toEqual(configurationTable());
  });
});
