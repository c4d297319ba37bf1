/**
 * Reading processes from /proc: CPU time (utime + stime), resident memory,
 * parents and children, and which TCP ports a process listens on. Linux only;
 * this is how the benchmark and the soak charge CPU and memory to a server
 * without instrumenting it.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** Kernel clock ticks per second (`getconf CLK_TCK`), 100 on every Linux we run on. */
export const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  rssBytes: number;
}

/** One process's /proc/<pid>/stat, or null when it is gone. */
export function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // `comm` is in parentheses and may itself hold spaces or parentheses.
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 (state) of proc(5); utime is field 14, stime 15, rss 24.
  return {
    pid,
    comm: text.slice(open + 1, close),
    ppid: Number(fields[1]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    rssBytes: Number(fields[21]) * PAGE_BYTES,
  };
}

export function allPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

export function allStats(): ProcStat[] {
  return allPids().flatMap((pid) => {
    const stat = readStat(pid);
    return stat ? [stat] : [];
  });
}

/** `rootPid` and every process below it. */
export function processTree(rootPid: number, stats: ProcStat[] = allStats()): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) {
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(stat);
    children.set(stat.ppid, siblings);
  }
  const root = stats.find((stat) => stat.pid === rootPid);
  if (!root) return [];
  const tree: ProcStat[] = [];
  const queue = [root];
  for (let next = queue.shift(); next; next = queue.shift()) {
    tree.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** Sum of CPU ticks of the given processes that still exist. */
export function cpuTicksOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += readStat(pid)?.cpuTicks ?? 0;
  return ticks;
}

export function rssOf(pids: readonly number[]): number {
  let bytes = 0;
  for (const pid of pids) bytes += readStat(pid)?.rssBytes ?? 0;
  return bytes;
}

/** The kernel's high-water mark of a process's resident memory (VmHWM), in bytes; 0 when it is gone. */
export function peakRssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine, from the first line of /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** TCP ports on 127.0.0.1 that `pid` listens on (IPv4 only, which is all we bind). */
export function listeningPorts(pid: number): number[] {
  const socketInodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) socketInodes.add(match[1]!);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  const LISTEN = "0A";
  const LOOPBACK_HEX = "0100007F";
  const ports: number[] = [];
  for (const line of readFileSync(`/proc/${pid}/net/tcp`, "utf8").split("\n").slice(1)) {
    const columns = line.trim().split(/\s+/);
    const [localAddress, , state] = [columns[1], columns[2], columns[3]];
    const inode = columns[9];
    if (!localAddress || state !== LISTEN || inode === undefined || !socketInodes.has(inode)) continue;
    const [host, portHex] = localAddress.split(":");
    if (host === LOOPBACK_HEX && portHex) ports.push(parseInt(portHex, 16));
  }
  return ports;
}

/** Cores of the machine (not of our affinity mask, which pins us to one). */
export function machineCores(): number {
  return readFileSync("/proc/stat", "utf8").split("\n").filter((line) => /^cpu\d+ /.test(line)).length || 1;
}
