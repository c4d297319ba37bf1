/** `cold-start [REV …]`: the Worker's size and cold start, this tree against earlier ones (run/coldStarts.ts). */
import { pinLoadGenerator } from "../lib/pinning";
import { coldStarts, DEFAULT_COLD_START_REVISIONS } from "../run/coldStarts";
import { defineScenario } from "../scenario";

export const coldStart = defineScenario({
  name: "cold-start",
  summary: `the Worker's size and cold start, this tree against earlier revisions (default ${DEFAULT_COLD_START_REVISIONS.join(", ")})`,
  usage: "[REV[,REV…] …]",
  options: {},
  positionals: true,
  run: async ({ positionals }, { outDir, log }) => {
    const revisions = positionals.flatMap((revision) => revision.split(",")).filter(Boolean);
    await coldStarts(revisions.length > 0 ? revisions : DEFAULT_COLD_START_REVISIONS, pinLoadGenerator().serverCpu, outDir, log);
    return 0;
  },
});
