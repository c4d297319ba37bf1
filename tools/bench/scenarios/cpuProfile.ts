/** `cpu-profile`: V8 profiles of Listroom's and the bare room's JavaScript on workerd (run/cpuProfile.ts). */
import { pinLoadGenerator } from "../lib/pinning";
import { planFor } from "../plan";
import { profileCpu } from "../run/cpuProfile";
import { defineScenario } from "../scenario";

export const cpuProfile = defineScenario({
  name: "cpu-profile",
  summary: "V8 profiles of Listroom and the bare room on workerd, per function in src/",
  usage: "",
  options: {},
  run: async (_args, { outDir, log }) => {
    await profileCpu(planFor("quick"), pinLoadGenerator().serverCpu, outDir, log);
    return 0;
  },
});
