/** `memory`: what an open connection costs the server, beside the bare room and its additions (run/memory.ts). */
import { pinLoadGenerator } from "../lib/pinning";
import { measureMemory, MEMORY_SYSTEMS, MEMORY_SYSTEMS_ALL, type MemorySystem } from "../run/memory";
import { defineScenario, wholeNumber, wholeNumbers } from "../scenario";
import { Bundles, otherTree } from "../systems/start";
import { describeProvenance } from "../systems/wrangler";

function memorySystemsOf(raw: string | undefined): MemorySystem[] {
  if (raw === undefined) return MEMORY_SYSTEMS;
  return raw.split(",").map((part) => {
    const name = MEMORY_SYSTEMS_ALL.find((candidate) => candidate === part.trim());
    if (name === undefined) throw new Error(`memory measures ${MEMORY_SYSTEMS_ALL.join(",")}, not ${part}`);
    return name;
  });
}

export const memory = defineScenario({
  name: "memory",
  summary: "RSS and JS heap per open connection, beside the bare room",
  usage:
    "[--systems …] [--counts 500,2000] [--repeats 3] [--no-additions] [--no-crowd] [--heap-snapshot] [--allocation-profile] [--also-tree NAME=DIR …] [--after-save] [--listroom-tree DIR]",
  options: {
    systems: { type: "string" },
    counts: { type: "string" },
    repeats: { type: "string" },
    "no-additions": { type: "boolean", default: false },
    "no-crowd": { type: "boolean", default: false },
    "after-save": { type: "boolean", default: false },
    "heap-snapshot": { type: "boolean", default: false },
    "allocation-profile": { type: "boolean", default: false },
    "also-tree": { type: "string", multiple: true },
    "listroom-tree": { type: "string" },
  },
  run: ({ values }, { outDir, command, log }) => {
    const bundles = new Bundles(values["listroom-tree"] ?? null);
    return measureMemory(
      {
        systems: memorySystemsOf(values.systems),
        counts: wholeNumbers("counts", values.counts, [500, 2_000]),
        repeats: wholeNumber("repeats", values.repeats, 3),
        additions: !values["no-additions"],
        crowd: values["no-crowd"] ? null : { clients: 500, fill: 200 },
        serverCpu: pinLoadGenerator().serverCpu,
        listroomBundle: () => bundles.forListroom().bundle,
        bareBundle: () => bundles.forBare(),
        provenance: describeProvenance(bundles.forListroom().provenance),
        trees: (values["also-tree"] ?? []).map(otherTree),
        afterSave: values["after-save"],
        heapSnapshots: values["heap-snapshot"],
        allocationProfile: values["allocation-profile"],
      },
      command,
      outDir,
      log,
    );
  },
});
