/**
 * Every bench scenario, in the order the usage text lists them; the first is
 * what `npm run bench` runs when none is named. To add one, write it with
 * defineScenario (../scenario.ts) in this folder and list it here.
 */
import type { Scenario } from "../scenario";
import { coldStart } from "./coldStart";
import { cpuProfile } from "./cpuProfile";
import { crowd } from "./crowd";
import { ladders } from "./ladders";
import { memory } from "./memory";
import { relayViewers } from "./relayViewers";
import { render } from "./render";
import { savesAlone } from "./savesAlone";
import { search } from "./search";
import { slowReaders } from "./slowReaders";
import { steady } from "./steady";
import { viewers } from "./viewers";

export const SCENARIOS: readonly [Scenario, ...Scenario[]] = [
  ladders,
  savesAlone,
  memory,
  viewers,
  relayViewers,
  steady,
  crowd,
  slowReaders,
  search,
  cpuProfile,
  coldStart,
  render,
];
