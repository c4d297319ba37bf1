/**
 * The five invariants of issue 4 (and the protocol's smaller promises), run
 * over the History once the run has settled. Each check lives in its own
 * module; this one only gathers their tallies and timing notes.
 */
import { checkDelivery } from "./checkDelivery";
import { checkDrops } from "./checkDrops";
import { checkSaves } from "./checkSaves";
import type { CheckInput, CheckResult } from "./verdicts";

export function checkInvariants(input: CheckInput): CheckResult {
  const results = [checkSaves(input), checkDelivery(input), checkDrops(input)];
  return { tallies: results.flatMap((result) => result.tallies), notes: results.flatMap((result) => result.notes) };
}
