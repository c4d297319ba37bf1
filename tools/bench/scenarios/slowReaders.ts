/** `slow-readers`: paused readers beside reading ones while large items are saved (run/slowReaders.ts). */
import { publishOutcome } from "../run/pageClients";
import { runSlowReaders } from "../run/slowReaders";
import { defineScenario, wholeNumber } from "../scenario";

export const slowReaders = defineScenario({
  name: "slow-readers",
  summary: "100 paused + 100 reading page clients; 300 saves of 4,000 characters at 20/s",
  usage: "[--paused 100] [--clients 100] [--saves 300] [--rate 20] [--body 4000]",
  options: {
    paused: { type: "string" },
    clients: { type: "string" },
    saves: { type: "string" },
    rate: { type: "string" },
    body: { type: "string" },
  },
  run: async ({ values }, context) => {
    const outcome = await runSlowReaders({
      paused: wholeNumber("paused", values.paused, 100),
      readers: wholeNumber("clients", values.clients, 100),
      saves: wholeNumber("saves", values.saves, 300),
      rate: wholeNumber("rate", values.rate, 20),
      bodyChars: wholeNumber("body", values.body, 4000),
    });
    return publishOutcome("slow-readers", outcome, context);
  },
});
