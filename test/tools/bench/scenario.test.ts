/**
 * The bench's registry of scenarios (tools/bench/scenario.ts): which scenario
 * a command line names, in today's spelling and the older ones that the
 * commands recorded in docs/ use, and how a scenario reads its own flags.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chooseScenario, defineScenario, wholeNumber, type Scenario } from "../../../tools/bench/scenario";

const outDir = mkdtempSync(join(tmpdir(), "bench-scenario-test-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function scenario(name: string, options: Scenario["options"] = {}): Scenario {
  return defineScenario({ name, summary: name, usage: "", options, positionals: true, run: async () => 0 });
}

const ladders = scenario("ladders", { quick: { type: "boolean" }, systems: { type: "string" } });
const memory = scenario("memory", { counts: { type: "string" } });
const render = scenario("render");
/** Named like another scenario's flag. */
const systems = scenario("systems");
const REGISTRY: [Scenario, ...Scenario[]] = [ladders, memory, render, systems];

describe("choosing a scenario", () => {
  it("takes the scenario named first, with the arguments after its name", () => {
    const chosen = chooseScenario(["memory", "--counts", "500"], REGISTRY);
    expect(chosen).toEqual({ scenario: memory, args: ["--counts", "500"], named: true });
  });

  it("runs the first scenario with every argument when none is named", () => {
    expect(chooseScenario(["--quick"], REGISTRY)).toEqual({ scenario: ladders, args: ["--quick"], named: false });
    expect(chooseScenario([], REGISTRY)).toEqual({ scenario: ladders, args: [], named: false });
  });

  it("reads the older --NAME anywhere as the scenario, its value becoming the scenario's argument", () => {
    expect(chooseScenario(["--render", "day.json", "--save", "out"], REGISTRY)).toEqual({ scenario: render, args: ["day.json", "--save", "out"], named: true });
    expect(chooseScenario(["--counts", "500", "--memory"], REGISTRY)).toEqual({ scenario: memory, args: ["--counts", "500"], named: true });
  });

  it("reads the older --scenario NAME", () => {
    expect(chooseScenario(["--scenario", "memory", "--counts", "9"], REGISTRY)).toEqual({ scenario: memory, args: ["--counts", "9"], named: true });
  });

  it("never reads a flag that some scenario takes as a scenario's name", () => {
    expect(chooseScenario(["--systems", "a,b"], REGISTRY)).toEqual({ scenario: ladders, args: ["--systems", "a,b"], named: false });
  });

  it("refuses a name that is no scenario's", () => {
    expect(() => chooseScenario(["memroy"], REGISTRY)).toThrow(/unknown scenario memroy/);
    expect(() => chooseScenario(["--scenario", "memroy"], REGISTRY)).toThrow(/unknown scenario memroy/);
  });
});

describe("a scenario's own flags", () => {
  const runs: { counts: string | undefined; repeat: boolean; positionals: string[]; outDir: string }[] = [];
  const counted = defineScenario({
    name: "counted",
    summary: "counts",
    usage: "[--counts N,…] [--repeat]",
    options: { counts: { type: "string" }, repeat: { type: "boolean", default: false } },
    run: async ({ values, positionals }, context) => {
      runs.push({ counts: values.counts, repeat: values.repeat, positionals, outDir: context.outDir });
      return 3;
    },
  });
  const context = { command: "npm run bench -- counted", log: () => {} };

  it("reach its run parsed, with --save naming where its outputs go, and its exit code comes back", async () => {
    await expect(counted.run(["--counts", "5,6", "--save", outDir], context)).resolves.toBe(3);
    expect(runs.at(-1)).toEqual({ counts: "5,6", repeat: false, positionals: [], outDir });
  });

  it("are refused when unknown, with the scenario's usage", async () => {
    await expect(counted.run(["--count", "5"], context)).rejects.toThrow(/Unknown option '--count'[\s\S]*usage: npm run bench -- counted \[--counts N,…\] \[--repeat\] \[--save DIR\]/);
  });

  it("take no positional arguments unless the scenario asks for them", async () => {
    await expect(counted.run(["stray"], context)).rejects.toThrow(/unexpected argument stray/);
  });

  it("refuse a count that is not a whole number", () => {
    expect(wholeNumber("clients", undefined, 7)).toBe(7);
    expect(wholeNumber("clients", "12", 7)).toBe(12);
    expect(() => wholeNumber("clients", "12a", 7)).toThrow("--clients needs a whole number, not 12a");
  });
});
