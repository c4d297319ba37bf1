/**
 * The end of a run: a summary on the terminal and the same figures as a
 * Markdown report in the run's results folder (tools/harness/results.ts),
 * named for when it ended, its mode and its seed, with the command that
 * produced it. docs/RELIABILITY.md links to the reports kept on purpose.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { givenCommand, replayCommand, type RunConfig } from "./config";
import { disconnectsOf, type FaultCounts } from "./faults";
import type { FieldCounts } from "./fieldPlan";
import type { History } from "./history";
import type { ProxyStats } from "./proxy";
import type { SettleResult } from "./settle";
import type { CheckTally, Finding } from "./verdicts";

export interface RunSummary {
  config: RunConfig;
  fields: FieldCounts;
  startedAt: number;
  endedAt: number;
  counts: FaultCounts;
  proxy: ProxyStats;
  settle: SettleResult;
  history: History;
  finalListSize: number;
  tallies: CheckTally[];
  notes: Finding[];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function saveFigures(history: History): string {
  const saves = [...history.saves.values()];
  const attempts = saves.flatMap((save) => save.attempts);
  const ok = attempts.filter((attempt) => attempt.status !== null && attempt.status < 300).length;
  const replayed = attempts.filter((attempt) => attempt.replayed).length;
  const failed = attempts.filter((attempt) => attempt.error !== null).length;
  const lost = attempts.filter((attempt) => attempt.answerLost).length;
  const repeated = saves.filter((save) => save.confirmedIds.length > 1).length;
  const raced = attempts.filter((attempt) => attempt.purpose === "race").length;
  return (
    `${attempts.length} requests: ${ok} answered 2xx (${replayed} of them replays), ${failed} failed on the network; ` +
    `${lost} answers lost on purpose, ${repeated} saves sent again with the same key after their 2xx, ${raced} racing duplicates`
  );
}

const DONE_LABEL = { edit: "edited", tick: "ticked", remove: "removed" } as const;

function changeFigures(counts: FaultCounts, history: History): string {
  const changes = [...history.changes.values()];
  const attempts = changes.flatMap((change) => change.attempts);
  const outcomes = new Map<string, number>();
  for (const change of changes) {
    const outcome = change.outcome === null ? "unanswered" : change.outcome.kind === "done" ? DONE_LABEL[change.kind] : `${change.kind} refused ${change.outcome.status ?? "?"}`;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  const lost = attempts.filter((attempt) => attempt.answerLost).length;
  const raced = attempts.filter((attempt) => attempt.purpose === "race").length;
  const failed = attempts.filter((attempt) => attempt.error !== null).length;
  return (
    `${counts.editsPlanned} edits, ${counts.ticksPlanned} ticks and ${counts.removalsPlanned} removals (${counts.ownerKeyChanges} with the owner key, ticks with no key, the rest with edit keys; ` +
    `${counts.changesOfQueuedSaves} queued behind their save, ${counts.changesOfRemoved} of an item already being removed, ${counts.changesSkipped} skipped with nothing to change); ` +
    `outcomes: ${[...outcomes].map(([outcome, count]) => `${outcome} ${count}`).join(", ") || "none"}; ` +
    `${attempts.length} requests, ${failed} failed on the network, ${lost} answers lost on purpose, ${raced} racing duplicates`
  );
}

function fieldFigures(counts: FieldCounts, history: History): string {
  const attempts = history.fieldChanges.flatMap((change) => change.attempts);
  const statuses = new Map<string, number>();
  for (const change of history.fieldChanges) {
    const status = String(change.outcome?.status ?? "unanswered");
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  return (
    `${counts.fieldChangesPlanned} edits and ticks by ${counts.fieldWriters} field writers, each naming itself, on ${counts.fieldItems} items of their own ` +
    `(${counts.fieldItemsAlone} with one writer alone); ${counts.offlineSpells} offline spells, ${counts.fieldChangesMadeOffline} changes made offline; ` +
    `outcomes: ${[...statuses].map(([status, count]) => `${status} ${count}`).join(", ") || "none"}; ` +
    `${attempts.length} requests, ${attempts.filter((attempt) => attempt.error !== null).length} failed on the network, ${attempts.filter((attempt) => attempt.answerLost).length} answers lost on purpose`
  );
}

/** Close codes of connections that got as far as a welcome, and how many attempts never did. */
function closeCodes(history: History): string {
  const counts = new Map<number, number>();
  let unanswered = 0;
  for (const client of history.clients) {
    for (const connection of client.connections) {
      if (connection.welcome === null) unanswered++;
      else if (connection.closeCode !== null) counts.set(connection.closeCode, (counts.get(connection.closeCode) ?? 0) + 1);
    }
  }
  const codes = [...counts].sort(([a], [b]) => a - b).map(([code, count]) => `${code} ×${count}`).join(", ");
  return `${codes || "none"}; ${unanswered} connection attempts got no welcome (server down)`;
}

function distribution(samples: readonly { ms: number }[]): string {
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  if (sorted.length === 0) return "not measured";
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
  return `median ${at(0.5)} ms, 99th percentile ${at(0.99)} ms, longest ${sorted.at(-1)} ms (${sorted.length} samples)`;
}

function rows(summary: RunSummary): [string, string][] {
  const { config, counts, proxy, history, settle } = summary;
  const roles = history.clients.map((client) => client.role);
  const downtimes = history.restarts.map((restart) => (restart.answeringAt ?? summary.endedAt) - restart.killedAt);
  const stallMax = Math.max(0, ...history.stalls.map((stall) => stall.ms));
  const connections = history.clients.reduce((sum, client) => sum + client.connections.length, 0);
  return [
    ["seed", `${config.seed} (replay: \`${replayCommand(config)}\`)`],
    ["duration", `${seconds(summary.endedAt - summary.startedAt)} in all: ${seconds(config.faultPhaseMs)} of faults, ${seconds(settle.ms)} settling`],
    ["server timing", `RESEND_INTERVAL_MS ${config.timing.resendIntervalMs}, MAX_SEND_ATTEMPTS ${config.timing.maxSendAttempts}, RESUME_WINDOW_MS ${config.timing.resumeWindowMs}`],
    [
      "clients",
      `${roles.length} (${roles.filter((role) => role.writer).length} writers, ${roles.filter((role) => role.proxied).length} behind the fault proxy, ${roles.filter((role) => role.crowd).length} arrived in the crowd), ${connections} connections`,
    ],
    ["saves", `${counts.savesPlanned} planned + ${settle.probeSaves} probes at the end; ${summary.finalListSize} items stored`],
    ["save requests", saveFigures(history)],
    ["edits, ticks and removals", changeFigures(counts, history)],
    ["field changes", fieldFigures(summary.fields, history)],
    [
      "forced disconnects",
      `${disconnectsOf(counts)}: ${counts.terminated} TCP terminated without a Close frame, ${counts.abandoned} abandoned by the client, ${counts.proxyCuts} cut at the proxy`,
    ],
    ["hard restarts", `${counts.restarts} (SIGKILL to the process group; back after ${downtimes.map(seconds).join(", ") || "-"})`],
    ["silences", `${counts.temporarySilences} clients stopped acking for a while, ${counts.vanished} stopped and never came back`],
    ["paused readers", `${counts.pauses} sockets stopped being read for 0.5–4 s, then read again`],
    [
      "abandoned attempts",
      `${history.clients.reduce((sum, client) => sum + client.abandonedAttempts.length, 0)} resume attempts given up while connecting, after their TCP connection was up ` +
        `(armed: ${counts.abandonsArmedAtRestarts} at restarts, one per running client, and ${counts.abandonsArmed} at random after a terminated socket)`,
    ],
    ["crowd", `${counts.crowdArrived} fresh clients arrived within 1 s mid-run`],
    ...(config.longAbsence
      ? [["long absence", `one client dropped, then away while ${counts.savedDuringLongAbsence} items were saved`] as [string, string]]
      : []),
    [
      "proxy",
      `${proxy.connections} connections: ${proxy.droppedFrames} frames and ${proxy.droppedAcks} acks dropped, ${proxy.duplicatedFrames} frames duplicated, ${proxy.delayedFrames} delayed`,
    ],
    ["close codes seen", closeCodes(history)],
    ["harness stalls", `${history.stalls.length} event-loop stalls over 100 ms (longest ${stallMax} ms)`],
    ["room lag", `a frame answered after: ${distribution(history.roomLag)}`],
    ["resend lateness", `a resend after its due time: ${distribution(history.resendLateness)}`],
    ["settled", `saves drained ${settle.savesDrained}, silences resolved ${settle.silencesResolved}, lists converged ${settle.converged}`],
  ];
}

function violationsOf(summary: RunSummary): Finding[] {
  return summary.tallies.flatMap((tally) => tally.violations);
}

/** Violations to list: up to 15 of each invariant first, so that a flood of one kind hides no other. */
function listed(summary: RunSummary, max = 50): Finding[] {
  const first = summary.tallies.flatMap((tally) => tally.violations.slice(0, 15));
  const rest = summary.tallies.flatMap((tally) => tally.violations.slice(15));
  return [...first, ...rest].slice(0, max);
}

export function formatForTerminal(summary: RunSummary): string {
  const width = Math.max(...rows(summary).map(([label]) => label.length));
  const lines = [`\n=== Listroom chaos run (${summary.config.mode}) ===`, `command: ${givenCommand(summary.config)}`];
  for (const [label, value] of rows(summary)) lines.push(`${label.padEnd(width)}  ${value.replaceAll("`", "")}`);
  lines.push("", "invariants:");
  for (const tally of summary.tallies) {
    lines.push(`  ${tally.violations.length === 0 ? "ok  " : "FAIL"} ${tally.invariant}: ${tally.scope}; ${tally.violations.length} violations`);
  }
  const violations = violationsOf(summary);
  lines.push("", `violations: ${violations.length}`);
  for (const finding of listed(summary)) lines.push(`  - [${finding.invariant}] ${finding.message}`);
  if (violations.length > 50) lines.push(`  … and ${violations.length - 50} more`);
  if (summary.notes.length > 0) {
    lines.push(`timing notes (not violations): ${summary.notes.length}`);
    for (const note of summary.notes.slice(0, 20)) lines.push(`  - [${note.invariant}] ${note.message}`);
  }
  return lines.join("\n");
}

function formatForDoc(summary: RunSummary): string {
  const violations = violationsOf(summary);
  const lines = [
    `Command: \`${givenCommand(summary.config)}\` — finished ${new Date(summary.endedAt).toISOString()}, **${violations.length} violation${violations.length === 1 ? "" : "s"}**.`,
    "",
    "| | |",
    "| --- | --- |",
    ...rows(summary).map(([label, value]) => `| ${label} | ${value} |`),
    "",
    "| invariant | checked | violations |",
    "| --- | --- | --- |",
    ...summary.tallies.map((tally) => `| ${tally.invariant} | ${tally.scope} | ${tally.violations.length} |`),
  ];
  if (violations.length > 0) {
    lines.push("", "Violations:", "", ...listed(summary).map((finding) => `- [${finding.invariant}] ${finding.message}`));
  }
  if (summary.notes.length > 0) {
    lines.push("", "Timing notes (departures caused by lost time, not counted as violations):", "");
    lines.push(...summary.notes.slice(0, 20).map((note) => `- [${note.invariant}] ${note.message}`));
  }
  return lines.join("\n");
}

/** Writes the run's report into `dir`; returns its path. */
export function writeReport(dir: string, summary: RunSummary): string {
  const ended = new Date(summary.endedAt).toISOString().replaceAll(":", "").slice(0, 17);
  const path = join(dir, `${ended}-${summary.config.mode}-${summary.config.seed}.md`);
  writeFileSync(path, `# Chaos run (${summary.config.mode}), seed ${summary.config.seed}\n\n${formatForDoc(summary)}\n`);
  return path;
}

export function violationCount(summary: RunSummary): number {
  return violationsOf(summary).length;
}
