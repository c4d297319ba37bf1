/**
 * Invariants 6 and 7 (issue 8):
 * - 6: once the faults stop, every client still running is live and shows
 *   the server's whole list within CONVERGE_WITHIN_MS (settling included:
 *   queued saves flushed, silent clients dropped, gaps filled over HTTP);
 * - 7: no live connection is knocked off by an older attempt of its own
 *   client: a 4009 (bye or close) that reaches the connection the client is
 *   using counts, since the page only ever supersedes a connection it has
 *   already left for a newer attempt.
 */
import type { CheckInput, CheckResult, Finding } from "./verdicts";

export const CONVERGE_WITHIN_MS = 10_000;

function checkConvergence(input: CheckInput): { scope: string; violations: Finding[] } {
  const { faultsEndedAt, convergedAt } = input.history;
  if (faultsEndedAt === null) return { scope: "not reached", violations: [] };
  if (convergedAt === null) {
    return {
      scope: "every running client live with the server's list: never, within the settle bound",
      violations: [{ invariant: "6 convergence", message: "the running clients never all showed the server's list after the faults stopped" }],
    };
  }
  const took = convergedAt - faultsEndedAt;
  const scope = `every running client live with the server's list ${(took / 1000).toFixed(1)} s after the faults stopped (bound ${CONVERGE_WITHIN_MS / 1000} s)`;
  const violations: Finding[] =
    took <= CONVERGE_WITHIN_MS ? [] : [{ invariant: "6 convergence", message: `clients converged ${took} ms after the faults stopped, more than ${CONVERGE_WITHIN_MS} ms` }];
  return { scope, violations };
}

function checkKnockOffs(input: CheckInput): { scope: string; violations: Finding[] } {
  const violations: Finding[] = [];
  let abandoned = 0;
  let afterRestart = 0;
  for (const client of input.history.clients) {
    abandoned += client.abandonedAttempts.length;
    afterRestart += client.abandonedAttempts.filter((attempt) => attempt.why.startsWith("restart")).length;
    for (const connection of client.connections) {
      if (!connection.knockedOff) continue;
      violations.push({
        invariant: "7 stale attempts",
        message: `client ${client.index} connection ${connection.ordinal} (attempt ${connection.attempt ?? 1}): knocked off with 4009 while it was the client's current connection${connection.bye ? ` (bye: ${connection.bye.reason})` : ""}`,
      });
    }
  }
  const connections = input.history.clients.reduce((sum, client) => sum + client.connections.length, 0);
  return {
    scope: `${abandoned} resume attempts abandoned while connecting, after their TCP connection was up (${afterRestart} right after a restart); ${violations.length} of ${connections} connections knocked off by an older attempt`,
    violations,
  };
}

export function checkCrowds(input: CheckInput): CheckResult {
  const convergence = checkConvergence(input);
  const knockOffs = checkKnockOffs(input);
  return {
    tallies: [
      { invariant: "6 convergence", ...convergence },
      { invariant: "7 stale attempts", ...knockOffs },
    ],
    notes: [],
  };
}
