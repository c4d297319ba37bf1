/** `viewers`: one list, many viewers, at one save a second (run/viewers.ts). */
import { pinLoadGenerator } from "../lib/pinning";
import { measureViewers, VIEWER_COUNTS } from "../run/viewers";
import { defineScenario, wholeNumber, wholeNumbers } from "../scenario";
import { Bundles, starterFor, systemsOf } from "../systems/start";
import { describeProvenance } from "../systems/wrangler";

export const viewers = defineScenario({
  name: "viewers",
  summary: "one list, many viewers: 500 … 3,000 at one save a second",
  usage: `[--systems listroom,bare] [--counts ${VIEWER_COUNTS.join(",")}] [--saves 15] [--listroom-tree DIR]`,
  options: {
    systems: { type: "string" },
    counts: { type: "string" },
    saves: { type: "string" },
    "listroom-tree": { type: "string" },
  },
  run: ({ values }, { outDir, command, log }) => {
    const { serverCpu } = pinLoadGenerator();
    const bundles = new Bundles(values["listroom-tree"] ?? null);
    return measureViewers(
      {
        systems: systemsOf(values.systems, ["listroom", "bare"]),
        counts: wholeNumbers("counts", values.counts, VIEWER_COUNTS),
        saves: wholeNumber("saves", values.saves, 15),
        start: async (name) => (await starterFor(name, serverCpu, bundles)({ localObservability: false })).system,
        provenance: describeProvenance(bundles.forListroom().provenance),
      },
      command,
      outDir,
      log,
    );
  },
});
