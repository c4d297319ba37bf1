/**
 * The five invariants of issue 4, the two of issue 8, the three of issue 10,
 * the two of issue 30 (and the protocol's smaller promises), run over the History once the run
 * has settled. Each check lives in its own module; this one only gathers
 * their tallies (one per invariant, in order) and timing notes.
 */
import { checkChanges } from "./checkChanges";
import { checkCrowds } from "./checkCrowds";
import { checkDelivery } from "./checkDelivery";
import { checkDrops } from "./checkDrops";
import { checkFields } from "./checkFields";
import { checkSaves } from "./checkSaves";
import type { CheckInput, CheckResult, CheckTally } from "./verdicts";

/** Tallies of one invariant from several checks, as one. */
function merged(tallies: readonly CheckTally[]): CheckTally[] {
  const byInvariant = new Map<CheckTally["invariant"], CheckTally>();
  for (const tally of tallies) {
    const known = byInvariant.get(tally.invariant);
    byInvariant.set(
      tally.invariant,
      known ? { ...known, scope: `${known.scope}; ${tally.scope}`, violations: [...known.violations, ...tally.violations] } : tally,
    );
  }
  const rank = (tally: CheckTally) => Number.parseInt(tally.invariant, 10) || Infinity;
  return [...byInvariant.values()].sort((a, b) => rank(a) - rank(b));
}

export function checkInvariants(input: CheckInput): CheckResult {
  const results = [checkSaves(input), checkDelivery(input), checkDrops(input), checkCrowds(input), checkChanges(input), checkFields(input)];
  return { tallies: merged(results.flatMap((result) => result.tallies)), notes: results.flatMap((result) => result.notes) };
}
