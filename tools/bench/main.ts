/**
 * `npm run bench -- [SCENARIO] [flags]`: runs one bench scenario, `ladders`
 * (the systems side by side on rate ladders) when none is named. Scenarios,
 * their flags and their usage come from the registry (scenarios/index.ts):
 * `npm run bench -- --help` lists them, `npm run bench -- NAME --help` shows
 * one's flags. Outputs go to .results/bench/, which git ignores, or to
 * `--save DIR` for a run kept on purpose: no run changes a tracked file. A
 * benchmark, not a test: nothing passes or fails. See docs/PERFORMANCE.md.
 *
 * Older spellings still choose a scenario: `--NAME` anywhere (`--memory`,
 * `--render FILE`, `--cold-start REV`) and `--scenario NAME`.
 *
 * The same bundle is also the Node peers' server and the Miniflare host of
 * the workerd systems (`--serve …`, servers/serve.ts), which runs spawn.
 */
import { runTool } from "../harness/lifecycle";
import { stopAllGroups } from "../harness/processGroup";
import { now } from "../harness/wait";
import { chooseScenario, usageLine } from "./scenario";
import { SCENARIOS } from "./scenarios";
import { isServeCommand, serveFromArgs } from "./servers/serve";

const processStarted = now();
const HELP_FLAGS = ["--help", "-h"];

function log(line: string): void {
  const seconds = Math.round((now() - processStarted) / 1000);
  process.stdout.write(`[${String(seconds).padStart(3)} s] ${line}\n`);
}

function usage(): string {
  const width = Math.max(...SCENARIOS.map((scenario) => scenario.name.length));
  return [
    `usage: npm run bench -- [SCENARIO] [flags]      (no SCENARIO: ${SCENARIOS[0].name})`,
    ...SCENARIOS.map((scenario) => `  ${scenario.name.padEnd(width)}  ${scenario.summary}`),
    "`npm run bench -- SCENARIO --help` shows its flags. Every scenario takes --save DIR: its outputs go to DIR",
    "(the runs the docs cite: docs/results/bench) instead of .results/bench/ (git-ignored).",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  // Output piped into `head` and the like may close early; that is no reason to stop measuring.
  process.stdout.on("error", () => {});
  const { scenario, args, named } = chooseScenario(argv.filter((arg) => !HELP_FLAGS.includes(arg)), SCENARIOS);
  if (argv.some((arg) => HELP_FLAGS.includes(arg))) {
    console.log(named ? `${scenario.name}: ${scenario.summary}\nusage: ${usageLine(scenario)}` : usage());
    return 0;
  }
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 13)) {
    throw new Error(`Node ${process.versions.node} is too old (node:sqlite needs 22.13+); run through npm run bench`);
  }
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`;
  try {
    return await scenario.run(args, { command, log });
  } finally {
    await stopAllGroups();
  }
}

const argv = process.argv.slice(2);
// The servers handle their own signals.
if (isServeCommand(argv)) void serveFromArgs(argv);
else runTool("bench", () => main(argv));
