/**
 * `npm run soak`: the app under `wrangler dev` (tools/harness), page clients
 * (the page's own LiveConnection) and one of three loads. Everything targets
 * 127.0.0.1; every wait is bounded and the program stops by itself.
 *
 *   npm run soak -- [--clients 2000] [--saves 100] [--rate 10] [--lists 1]   steady: every client gets every item of its list
 *   npm run soak -- --mode crowd [--clients 500] [--fill 200] [--hog] [--direct] [--profile SECONDS]  fresh arrivals within 1 s at a full list
 *   npm run soak -- --mode slow-readers [--paused 100] [--clients 100] [--saves 300] [--rate 20] [--body 4000]
 */
import { parseArgs } from "node:util";
import { runCrowd } from "./crowd";
import { runSlowReaders } from "./slowReaders";
import { runSteady } from "./steady";

const { values } = parseArgs({
  options: {
    mode: { type: "string", default: "steady" },
    clients: { type: "string" },
    saves: { type: "string" },
    rate: { type: "string" },
    fill: { type: "string", default: "200" },
    hog: { type: "boolean", default: false },
    direct: { type: "boolean", default: false },
    profile: { type: "string", default: "0" },
    paused: { type: "string", default: "100" },
    body: { type: "string", default: "4000" },
    lists: { type: "string", default: "1" },
  },
});
const count = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));

async function main(): Promise<boolean> {
  switch (values.mode) {
    case "steady":
      return runSteady({
        clients: count(values.clients, 2000),
        saves: count(values.saves, 100),
        rate: count(values.rate, 10),
        lists: count(values.lists, 1),
      });
    case "crowd":
      return runCrowd({ clients: count(values.clients, 500), fill: count(values.fill, 200), hog: values.hog, direct: values.direct, profileSeconds: Number(values.profile) });
    case "slow-readers":
      return runSlowReaders({
        paused: count(values.paused, 100),
        readers: count(values.clients, 100),
        saves: count(values.saves, 300),
        rate: count(values.rate, 20),
        bodyChars: count(values.body, 4000),
      });
    default:
      throw new Error(`unknown --mode ${values.mode} (steady, crowd, slow-readers)`);
  }
}

main().then(
  (passed) => process.exit(passed ? 0 : 1),
  (error: unknown) => {
    console.error("soak failed:", error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
