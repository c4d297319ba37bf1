/**
 * A run's tables as Markdown, written beside its results file and chart
 * (`<date>-<mode>.md`); docs/PERFORMANCE.md links to the runs kept on
 * purpose and is never written by the benchmark.
 */
import type { StepSummary } from "../run/ladder";
import { SYSTEM_LABELS } from "../systems/types";
import { costSection } from "./costSection";
import { number, SHORT, table, withSpread } from "./format";
import type { BenchResults } from "./results";
import { coldStartTable, cpuTargetsTable, ladderTable, sideBySideTable, sustainedRatioTable, sustainedTable } from "./runTables";

export function renderRun(results: BenchResults, chartPath: string): string {
  const out: string[] = [];
  const date = results.startedAt.slice(0, 10);
  const listroom = results.systems.find((system) => system.provenance !== null);
  out.push(
    `### ${results.mode === "quick" ? "Quick" : "Full"} run, ${date}`,
    "",
    `\`${results.command}\` took ${Math.round(results.durationSeconds)} s. ` +
      `Machine: ${results.machine.cores} × ${results.machine.cpuModel}, Node ${results.machine.node}, ` +
      (results.machine.pinning
        ? `load generator on core ${results.machine.pinning.loadGenerator}, servers on core ${results.machine.pinning.servers}. `
        : "no taskset, nothing pinned. ") +
      `Quiet: ${results.quiet.allQuiet ? "yes" : "NO"} (${results.quiet.noisyRepeats} of ${results.quiet.totalRepeats} repeats saw others use ≥ 0.25 core).` +
      (listroom?.provenance ? ` Listroom at ${listroom.provenance.commit.slice(0, 7)}${listroom.provenance.uncommitted.length ? " with uncommitted changes" : ""}.` : ""),
    "",
    `![p99 to the last client against deliveries per second](${chartPath})`,
    "",
    "**Sustained deliveries per second, bracketed**: `[pass, fail)` is the highest target whose median p99 to the last client stayed within 100 ms with nothing dropped, and the lowest above it that did not (bisected to within 10 %; why it failed in brackets). The `workerd` columns are the production-like runtime.",
    "",
    sustainedTable(results),
    "",
    "**Ratios of sustained rates**: Listroom's passing rate ÷ the peer's, and in brackets the range both brackets allow (Listroom's pass ÷ the peer's fail up to Listroom's fail ÷ the peer's pass).",
    "",
    sustainedRatioTable(results),
    "",
    "**Side by side**: every system at the ladder's first step (all ran it), and at the highest step all passed, if any",
    "",
    sideBySideTable(results),
    "",
  );
  const clientCounts = [...new Set(results.systems.flatMap((system) => system.ladders.map((ladder) => ladder.clients)))];
  for (const clients of clientCounts) {
    const ladders = results.systems.flatMap((system) =>
      system.ladders.filter((ladder) => ladder.clients === clients).map((ladder) => ({ name: system.name, ladder })),
    );
    out.push(`**Ladder, ${clients} clients** (ms from a save's due time; medians of ${results.plan.repeats} repeats, spread in brackets)`, "", ladderTable(ladders), "");
  }
  if (results.cpuTargets) {
    out.push(
      "**Server CPU where it is ours**: Listroom against the bare rooms on the same runtime (the plain broadcast, and on workerd the one whose clients acknowledge as pages do), medians over repeats with their spread; the ratio's range divides the extremes. Targets from issue 12 apply to the workerd rows.",
      "",
      cpuTargetsTable(results),
      "",
    );
  }
  if (results.systems.some((system) => system.coldStart)) {
    out.push(
      "**Cold start**: from the runtime's workerd process starting (its start time in /proc) to the first 200 from the Worker and a freshly created Durable Object (`GET /api/items?limit=1`, or `/health` for the bare Worker, which reaches no object), and that first request alone.",
      "",
      coldStartTable(results),
      "",
    );
  }
  const bundles = results.workerBundles;
  if (bundles?.listroom || bundles?.bare) {
    out.push(
      "**The deployed Worker script** (`wrangler deploy --dry-run`, minified as configured; gzip -6)",
      "",
      table(
        ["Worker", "bytes", "gzipped"],
        [
          ...(bundles.listroom ? [["Listroom", number(bundles.listroom.bytes), number(bundles.listroom.gzipBytes)]] : []),
          ...(bundles.bare ? [["bare DO", number(bundles.bare.bytes), number(bundles.bare.gzipBytes)]] : []),
        ],
      ),
      "",
    );
  }
  if (results.cost) out.push(...costSection(results.cost));
  out.push(
    "**A save with nobody connected**",
    "",
    table(
      ["system", "server CPU µs/save (spread)", "answer p50 (ms)", "answer p99 (ms)"],
      results.systems.map((system) => [
        SHORT[system.name],
        system.saveAloneCpuUsPerSave ? withSpread(system.saveAloneCpuUsPerSave) : number(system.saveOnly.serverCpuUsPerSave),
        number(system.saveOnly.saveAnswer.p50),
        number(system.saveOnly.saveAnswer.p99),
      ]),
    ),
    "",
    `**Idle room of ${results.plan.idleClients} connections**, then one save`,
    "",
    table(
      ["system", "idle s", "server RSS before clients (MB)", "idle (MB)", "MB per 1,000 idle connections", "server CPU while idle (cores)", "one save → first (ms)", "→ last (ms)", "reach", "hibernated"],
      results.systems.flatMap((system) =>
        system.idle.map((idle) => [
          SHORT[system.name],
          idle.idleSeconds,
          number(system.memory.serverRssBeforeClientsMb),
          number(idle.serverRssMb),
          number(system.memory.perThousandIdleConnectionsMb),
          number(idle.serverCpuCoresWhileIdle, 3),
          number(idle.save.toFirst.max),
          number(idle.save.toLast.max),
          idle.save.reach.toFixed(4),
          idle.hibernated === null ? "not observable" : idle.hibernated ? "yes" : "no",
        ]),
      ),
    ),
    "",
  );
  const proxied = results.systems.filter((system) => system.viaProxy !== null);
  if (proxied.length > 0) {
    out.push(
      `**Through wrangler dev's proxy** (${results.plan.idleClients} clients, ${number(results.plan.deliveryLadder[0]!)} deliveries/s)`,
      "",
      table(
        ["system", "path", "last p99 (ms)", "runtime µs/delivery", "proxy + wrangler µs/delivery"],
        proxied.flatMap((system) => {
          const direct = system.ladders.find((ladder) => ladder.clients === results.plan.idleClients)?.steps[0];
          const proxy = system.viaProxy!;
          return [
            [SHORT[system.name], "direct to the runtime", direct ? withSpread(direct.toLast.p99) : "–", direct ? withSpread(direct.serverCpuUsPerDelivery, 2) : "–", direct ? withSpread(direct.toolingCpuUsPerDelivery, 2) : "–"],
            [SHORT[system.name], "through the proxy", withSpread(proxy.toLast.p99), withSpread(proxy.serverCpuUsPerDelivery, 2), withSpread(proxy.toolingCpuUsPerDelivery, 2)],
          ];
        }),
      ),
      "",
    );
  }
  const observed = results.systems.filter((system) => system.withLocalObservability !== null);
  if (observed.length > 0) {
    out.push(
      `**wrangler dev's local observability** (on by default, off everywhere else in this benchmark): a save alone, and ${results.plan.idleClients} clients at ${number(results.plan.deliveryLadder[0]!)} deliveries/s`,
      "",
      table(
        ["system", "observability", "server µs/save alone", "server µs/delivery", "last p99 (ms)"],
        observed.flatMap((system) => {
          const on = system.withLocalObservability!;
          const offStep = system.ladders.find((ladder) => ladder.clients === results.plan.idleClients)?.steps[0];
          return [
            [SHORT[system.name], "off", number(system.saveOnly.serverCpuUsPerSave), offStep ? withSpread(offStep.serverCpuUsPerDelivery, 2) : "–", offStep ? withSpread(offStep.toLast.p99) : "–"],
            [SHORT[system.name], "on", number(on.saveOnly.serverCpuUsPerSave), withSpread(on.step.serverCpuUsPerDelivery, 2), withSpread(on.step.toLast.p99)],
          ];
        }),
      ),
      "",
    );
  }
  const whatIf = results.systems.find((system) => system.ackWhatIf !== null)?.ackWhatIf;
  if (whatIf) {
    const row = (label: string, step: StepSummary) => [
      label,
      withSpread(step.toLast.p99),
      withSpread(step.serverCpuUsPerDelivery, 2),
      number(step.billable?.framesInPerClient.median ?? step.clientFramesPerSavePerClient.median, 3),
      step.verdict,
    ];
    out.push(
      `**What if clients batched acks differently?** Listroom, ${results.plan.idleClients} clients, ${number(whatIf.deliveriesPerSecond)} deliveries/s`,
      "",
      table(
        ["clients ack", "last p99 (ms)", "server µs/delivery", "acks per save per client", "verdict"],
        [
          ...(whatIf.page ? [row(`${whatIf.pageAckDelayMs ?? "?"} ms after a frame (the page)`, whatIf.page)] : []),
          ...whatIf.variants.map((variant) => row(`${variant.ackDelayMs} ms after a frame`, variant.step)),
        ],
      ),
      "",
    );
  }
  if (results.billableWork) {
    const work = results.billableWork;
    out.push(
      `**Listroom's billable work per save** (source: ${work.source}). ${work.note}`,
      "",
      table(
        ["clients", "saves/s", "rowsWritten", "rowsRead", "setAlarm calls", "alarm runs", "framesIn per client", "framesOut per client", "acks the clients counted"],
        work.steps.map((step) => [
          step.clients,
          number(step.savesPerSecond),
          number(step.rowsWritten, 2),
          number(step.rowsRead, 2),
          number(step.setAlarmCalls, 3),
          number(step.alarmRuns, 3),
          number(step.framesInPerClient, 3),
          number(step.framesOutPerClient, 3),
          number(step.clientCountedAcksPerClient, 3),
        ]),
      ),
      "",
    );
  }
  const profiled = results.systems.filter((system) => system.profile !== null);
  for (const system of profiled) {
    const profile = system.profile!;
    if (typeof profile === "string") {
      out.push(`**Profile of ${SHORT[system.name]}**: ${profile}`, "");
      continue;
    }
    out.push(
      `**Where the runtime's time goes: ${SYSTEM_LABELS[system.name]}** (perf, ${profile.samples} samples of the runtime workerd at ${results.plan.idleClients} clients)`,
      "",
      table(
        ["bucket", "% of samples"],
        Object.entries(profile.buckets)
          .sort((a, b) => b[1] - a[1])
          .map(([bucket, percent]) => [bucket, percent.toFixed(1)]),
      ),
      "",
      "<details><summary>Hottest symbols</summary>",
      "",
      table(["%", "dso", "symbol"], profile.top.map((row) => [row.percent.toFixed(2), row.dso, `\`${row.symbol.slice(0, 90)}\``])),
      "",
      "</details>",
      "",
    );
  }
  if (results.bundles) {
    const bundles = results.bundles;
    out.push(
      "**What the page downloads for live updates** (gzip -9)",
      "",
      table(
        ["file", "bytes", "gzipped"],
        [
          ["public/app.js (the whole Listroom page script)", number(bundles.appJsBytes), number(bundles.appJsGzipBytes)],
          ["socket.io.min.js (socket.io-client alone)", number(bundles.socketIoClientBytes), number(bundles.socketIoClientGzipBytes)],
        ],
      ),
      "",
    );
  }
  const problems = [...results.errors, ...results.systems.flatMap((system) => system.problems.map((problem) => `${SHORT[system.name]}: ${problem}`))];
  if (problems.length > 0) out.push("**Problems during the run**", "", ...problems.map((problem) => `- ${problem}`), "");
  return out.join("\n");
}
