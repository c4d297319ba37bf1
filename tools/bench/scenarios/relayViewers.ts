/** `relay-viewers`: one list's many viewers with relays off and on, side by side, straight to workerd (run/relays.ts). */
import { pinLoadGenerator } from "../lib/pinning";
import { measureRelays, RELAY_RUN_COUNTS } from "../run/relays";
import { defineScenario, relaysOf, wholeNumber, wholeNumbers } from "../scenario";
import { Bundles } from "../systems/start";
import { describeProvenance } from "../systems/wrangler";

export const relayViewers = defineScenario({
  name: "relay-viewers",
  summary: "one list, 1,000 … 10,000 viewers on workerd, relays off and on (docs/SCALING.md)",
  usage: `[--counts ${RELAY_RUN_COUNTS.join(",")}] [--saves 15] [--relays AFTER:CAPACITY] [--listroom-tree DIR]`,
  options: {
    counts: { type: "string" },
    saves: { type: "string" },
    relays: { type: "string" },
    "listroom-tree": { type: "string" },
  },
  run: ({ values }, { outDir, command, log }) => {
    // The run charges a CPU profile to source files, so its bundle is left unminified.
    const bundles = new Bundles(values["listroom-tree"] ?? null, true);
    return measureRelays(
      {
        counts: wholeNumbers("counts", values.counts, RELAY_RUN_COUNTS),
        saves: wholeNumber("saves", values.saves, 15),
        relays: values.relays === undefined ? { after: 1_000, capacity: 1_000 } : relaysOf(values.relays),
        serverCpu: pinLoadGenerator().serverCpu,
        bundle: () => bundles.forListroom().bundle,
        provenance: describeProvenance(bundles.forListroom().provenance),
      },
      command,
      outDir,
      log,
    );
  },
});
