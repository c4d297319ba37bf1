/**
 * What a bench scenario is: a name, its flags in node:util `parseArgs` form,
 * their usage line, and what it runs. Each scenario defines itself with
 * {@link defineScenario} in scenarios/ and is listed once in
 * scenarios/index.ts; main.ts derives the dispatch, the flags and the usage
 * text from that list, so adding a scenario never edits main.ts.
 *
 * @example
 * export const pings = defineScenario({
 *   name: "pings",
 *   summary: "round trips of one ping",
 *   usage: "[--count 100]",
 *   options: { count: { type: "string" } },
 *   run: async ({ values }, { log }) => {
 *     log(`${wholeNumber("count", values.count, 100)} pings`);
 *     return 0;
 *   },
 * });
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { resultsDir } from "../harness/results";

/** Every scenario takes these. */
const COMMON_OPTIONS = {
  /** Keep the outputs in DIR (the runs the docs cite: docs/results/bench) instead of .results/bench/. */
  save: { type: "string" },
} as const satisfies ParseArgsOptionsConfig;
const COMMON_USAGE = "[--save DIR]";

export interface ScenarioContext {
  /** Where its outputs go: .results/bench/ (git-ignored), or `--save DIR`. */
  outDir: string;
  /** The command line that ran it, for its outputs. */
  command: string;
  log(line: string): void;
}

type Config<O extends ParseArgsOptionsConfig> = { args: string[]; options: typeof COMMON_OPTIONS & O; allowPositionals: true; strict: true };
type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<Config<O>>>;

/** A scenario as written, its flags typed from its options. */
export interface ScenarioDefinition<O extends ParseArgsOptionsConfig> {
  name: string;
  /** One line: what it measures. */
  summary: string;
  /** Its flags (and positional arguments) as the usage text shows them, after its name. */
  usage: string;
  options: O;
  /** Whether it takes positional arguments (trees, a results file, revisions); refused otherwise. */
  positionals?: boolean;
  /** Returns the exit code. */
  run(args: { values: Parsed<O>["values"]; positionals: string[] }, context: ScenarioContext): Promise<number>;
}

/** A scenario as the registry holds it: it parses its own arguments. */
export interface Scenario {
  name: string;
  summary: string;
  usage: string;
  options: ParseArgsOptionsConfig;
  run(args: string[], context: Omit<ScenarioContext, "outDir">): Promise<number>;
}

export function defineScenario<const O extends ParseArgsOptionsConfig>(definition: ScenarioDefinition<O>): Scenario {
  const options = { ...COMMON_OPTIONS, ...definition.options };
  return {
    name: definition.name,
    summary: definition.summary,
    usage: definition.usage,
    options,
    run: async (args, context) => {
      let parsed: Parsed<O>;
      try {
        parsed = parseArgs<Config<O>>({ args, options, allowPositionals: true, strict: true });
        if (!definition.positionals && parsed.positionals.length > 0) throw new Error(`unexpected argument ${parsed.positionals[0]}`);
      } catch (error) {
        throw new Error(`${(error as Error).message}\nusage: ${usageLine(definition)}`);
      }
      const { values, positionals } = parsed;
      const save: unknown = "save" in values ? values.save : undefined;
      return definition.run({ values, positionals }, { ...context, outDir: resultsDir("bench", typeof save === "string" ? save : undefined) });
    },
  };
}

/** `npm run bench -- NAME FLAGS [--save DIR]`: how to run one scenario. */
export function usageLine(scenario: Pick<Scenario, "name" | "usage">): string {
  return ["npm run bench --", scenario.name, scenario.usage, COMMON_USAGE].filter(Boolean).join(" ");
}

/**
 * The scenario a command line names, with the arguments that are its own:
 * the first argument if it is a scenario's name, else an older spelling
 * (`--scenario NAME`, or `--NAME` anywhere, whose value then becomes the
 * scenario's argument), else the first scenario with every argument.
 */
export function chooseScenario(argv: readonly string[], scenarios: readonly [Scenario, ...Scenario[]]): { scenario: Scenario; args: string[]; named: boolean } {
  const byName = new Map(scenarios.map((scenario) => [scenario.name, scenario]));
  const [first] = argv;
  const named = byName.get(first ?? "");
  if (named) return { scenario: named, args: argv.slice(1), named: true };
  const at = argv.indexOf("--scenario");
  if (at >= 0) {
    const scenario = byName.get(argv[at + 1] ?? "");
    if (!scenario) throw unknownScenario(argv[at + 1] ?? "(none)");
    return { scenario, args: argv.toSpliced(at, 2), named: true };
  }
  // A flag that some scenario takes is never read as a scenario's name.
  const flags = new Set(scenarios.flatMap((scenario) => Object.keys(scenario.options)));
  for (const [index, arg] of argv.entries()) {
    const scenario = arg.startsWith("--") && !flags.has(arg.slice(2)) ? byName.get(arg.slice(2)) : undefined;
    if (scenario) return { scenario, args: argv.toSpliced(index, 1), named: true };
  }
  if (first !== undefined && !first.startsWith("-")) throw unknownScenario(first);
  return { scenario: scenarios[0], args: [...argv], named: false };
}

function unknownScenario(name: string): Error {
  return new Error(`unknown scenario ${name}; \`npm run bench -- --help\` lists them`);
}

/** `--name N`: a whole number, or `fallback` when absent. */
export function wholeNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) throw new Error(`--${name} needs a whole number, not ${raw}`);
  return value;
}

/** `--name 500,1000`: whole numbers, or `fallback` when absent. */
export function wholeNumbers(name: string, raw: string | undefined, fallback: number[]): number[] {
  if (raw === undefined) return fallback;
  return raw.split(",").map((part) => wholeNumber(name, part.trim(), 0));
}

/** `--relays AFTER:CAPACITY`: relays from AFTER viewers on, CAPACITY viewers each. */
export function relaysOf(raw: string): { after: number; capacity: number } {
  const [after, capacity] = raw.split(":");
  return { after: wholeNumber("relays", after, 0), capacity: wholeNumber("relays", capacity, 1) };
}
