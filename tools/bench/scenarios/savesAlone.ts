/** `saves-alone TREE …`: a save alone, CPU per save, trees and the bare floors side by side (run/savesAlone.ts). */
import { pinLoadGenerator } from "../lib/pinning";
import { measureSavesAlone } from "../run/savesAlone";
import { defineScenario, wholeNumber, wholeNumbers } from "../scenario";

export const savesAlone = defineScenario({
  name: "saves-alone",
  summary: "a save alone on workerd, server CPU per save, trees side by side (bare, bare-durable, bare-worker: the bare room's ways to save)",
  usage: "NAME=DIR[+VAR=value…] | bare | bare-durable | bare-worker … [--rounds 2] [--saves 600] [--clients 0] [--rates R,…]",
  options: {
    rounds: { type: "string" },
    saves: { type: "string" },
    clients: { type: "string" },
    rates: { type: "string" },
  },
  positionals: true,
  run: ({ values, positionals }, context) => {
    // ROUNDS, SAVES, CLIENTS and RATES in the environment are how command lines in docs/ still set them.
    const { env } = process;
    return measureSavesAlone(
      {
        trees: positionals,
        rounds: wholeNumber("rounds", values.rounds ?? env.ROUNDS, 2),
        saves: wholeNumber("saves", values.saves ?? env.SAVES, 600),
        clients: wholeNumber("clients", values.clients ?? env.CLIENTS, 0),
        rates: wholeNumbers("rates", values.rates ?? (env.RATES || undefined), []),
        serverCpu: pinLoadGenerator().serverCpu,
      },
      context,
    );
  },
});
