/**
 * A cheap CPU profile of the server under load: `perf record` sampling one
 * process for a few seconds, then `perf report` folded into where the time
 * went (kernel networking, JIT-compiled JavaScript, V8's runtime and GC,
 * SQLite, workerd's own C++). JavaScript frames show as unsymbolised JIT code:
 * workerd is not started with V8's perf map, so "JS" is one bucket.
 */
import { spawn, spawnSync } from "node:child_process";

const PROFILE_HZ = 499;
const REPORT_TIMEOUT_MS = 120_000;

export function hasPerf(): boolean {
  return spawnSync("perf", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Samples `pid` for `seconds`; resolves with a problem, or null when the data file was written. */
export function recordProfile(pid: number, seconds: number, outFile: string): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(
      "perf",
      ["record", "-q", "-F", String(PROFILE_HZ), "-g", "-p", String(pid), "-o", outFile, "--", "sleep", String(seconds)],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), (seconds + 15) * 1000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? null : `perf record exited with ${code}: ${errors.trim()}`);
    });
  });
}

export interface ProfileSummary {
  samples: number;
  /** Share of samples per bucket, in percent. */
  buckets: Record<string, number>;
  /** The hottest symbols (self time), in percent. */
  top: { percent: number; dso: string; symbol: string }[];
}

/** Self time is put in the first bucket whose test matches the sample's dso and symbol. */
const BUCKETS: [string, (dso: string, symbol: string) => boolean][] = [
  ["wrangler dev instrumentation (inspector, tracing; dev only)", (_dso, symbol) => /InspectorSink|TailStream|workerd::tracing|v8_inspector/.test(symbol)],
  ["kernel (TCP, epoll, syscalls)", (dso) => dso.includes("kernel")],
  ["JavaScript: JIT-compiled code", (dso, symbol) => dso.includes("JIT") || dso.includes("perf-") || dso === "[unknown]" || /^0x[0-9a-f]+$/.test(symbol)],
  ["SQLite", (_dso, symbol) => /sqlite3|^pager|^btree|^wal[A-Z]|Vdbe|SqliteDatabase/.test(symbol)],
  ["allocator and libc", (dso, symbol) => dso.includes("libc") || /tcmalloc|TCMalloc|malloc|^free$|memcpy|memmove/.test(symbol)],
  ["V8 garbage collection", (_dso, symbol) => /Heap::|Scavenge|MarkCompact|Sweeper|Marking|Evacuat|cppgc|GarbageCollect/.test(symbol)],
  ["WebSocket and HTTP I/O (kj, hyper, tokio)", (_dso, symbol) => /WebSocket|hyper|tokio|Http|AsyncIo|AsyncStream|kj_rs/.test(symbol)],
  ["JavaScript: V8 interpreter, builtins and runtime", (_dso, symbol) => /v8::|Builtins_|Runtime_|Builtin|Interpreter|Turbofan|Maglev/.test(symbol)],
  ["workerd, kj and capnp (events, promises, RPC)", (_dso, symbol) => /workerd|kj::|capnp::/.test(symbol)],
];

function bucketOf(dso: string, symbol: string): string {
  for (const [name, matches] of BUCKETS) if (matches(dso, symbol)) return name;
  return "other";
}

export function summarizeProfile(dataFile: string): ProfileSummary | string {
  const report = spawnSync(
    "perf",
    ["report", "-i", dataFile, "--stdio", "-n", "--no-children", "--sort", "dso,sym", "-g", "none"],
    { encoding: "utf8", timeout: REPORT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
  );
  if (report.status !== 0) return `perf report failed: ${(report.stderr ?? "").slice(0, 500)}`;
  const rows: { percent: number; dso: string; symbol: string }[] = [];
  let samples = 0;
  for (const line of report.stdout.split("\n")) {
    // "    12.34%      567  workerd  [.] v8::internal::Foo"; a dso may hold spaces ("[JIT] tid 123").
    const match = /^\s+([\d.]+)%\s+(\d+)\s+(.+?)\s+\[[.kg]\]\s+(.+?)\s*$/.exec(line);
    if (!match) continue;
    samples += Number(match[2]);
    rows.push({ percent: Number(match[1]), dso: match[3]!, symbol: match[4]! });
  }
  const buckets: Record<string, number> = {};
  for (const row of rows) {
    const bucket = bucketOf(row.dso, row.symbol);
    buckets[bucket] = Math.round(((buckets[bucket] ?? 0) + row.percent) * 100) / 100;
  }
  return { samples, buckets, top: rows.slice(0, 25) };
}
