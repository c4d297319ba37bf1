/** `crowd`: fresh page clients arriving within a second at a full list (run/crowd.ts). */
import { runCrowd } from "../run/crowd";
import { publishOutcome } from "../run/pageClients";
import { defineScenario, wholeNumber } from "../scenario";

export const crowd = defineScenario({
  name: "crowd",
  summary: "500 fresh page clients within 1 s at 200 items × 5,000 two-byte characters (--hog: beside a busy loop; --direct: past wrangler's proxy)",
  usage: "[--clients 500] [--fill 200] [--hog] [--direct] [--profile-seconds S]",
  options: {
    clients: { type: "string" },
    fill: { type: "string" },
    hog: { type: "boolean", default: false },
    direct: { type: "boolean", default: false },
    "profile-seconds": { type: "string" },
  },
  run: async ({ values }, context) => {
    const outcome = await runCrowd({
      clients: wholeNumber("clients", values.clients, 500),
      fill: wholeNumber("fill", values.fill, 200),
      hog: values.hog,
      direct: values.direct,
      profileSeconds: wholeNumber("profile-seconds", values["profile-seconds"], 0),
    });
    return publishOutcome("crowd", outcome, context);
  },
});
