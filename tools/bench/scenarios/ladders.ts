/** `ladders` (the default): every system side by side on rate ladders (run/comparison.ts). */
import { ALL_SYSTEMS, defaultSystems } from "../plan";
import { compareSystems } from "../run/comparison";
import { defineScenario } from "../scenario";
import { systemsOf } from "../systems/start";

export const ladders = defineScenario({
  name: "ladders",
  summary: "the systems side by side on rate ladders: Listroom, the bare floors, Socket.IO, ws (--quick: 1,000 clients, about 6 minutes)",
  usage: `[--quick] [--systems ${ALL_SYSTEMS.join(",")}] [--listroom-tree DIR]`,
  options: {
    quick: { type: "boolean", default: false },
    systems: { type: "string" },
    /** Build the workerd column's Listroom from another tree, to measure a change to src/ before making it. */
    "listroom-tree": { type: "string" },
  },
  run: ({ values }, context) => {
    const mode = values.quick ? "quick" : "full";
    return compareSystems(mode, systemsOf(values.systems, defaultSystems(mode)), values["listroom-tree"] ?? null, context);
  },
});
