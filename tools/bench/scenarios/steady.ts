/** `steady`: many page clients on a list while saves flow; every client gets every item once, in order (run/steady.ts). */
import { publishOutcome } from "../run/pageClients";
import { runSteady } from "../run/steady";
import { defineScenario, relaysOf, wholeNumber } from "../scenario";

export const steady = defineScenario({
  name: "steady",
  summary: "2,000 page clients, 100 saves at 10/s under wrangler dev; --lists 10 spreads them over 10 lists",
  usage: "[--clients 2000] [--saves 100] [--rate 10] [--lists 1] [--relays AFTER:CAPACITY]",
  options: {
    clients: { type: "string" },
    saves: { type: "string" },
    rate: { type: "string" },
    lists: { type: "string" },
    relays: { type: "string" },
  },
  run: async ({ values }, context) => {
    const outcome = await runSteady({
      clients: wholeNumber("clients", values.clients, 2000),
      saves: wholeNumber("saves", values.saves, 100),
      rate: wholeNumber("rate", values.rate, 10),
      lists: wholeNumber("lists", values.lists, 1),
      relays: values.relays === undefined ? null : relaysOf(values.relays),
    });
    return publishOutcome("steady", outcome, context);
  },
});
