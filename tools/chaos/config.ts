/**
 * What one run does, from the command line (`node:util` parseArgs, as every
 * tool here): the default run (the target of issues 4 and 8), `--quick` for
 * CI, and flags that override either. The server's
 * delivery tuning is fixed here too, since the checks depend on it.
 */
import { parseArgs as parseCommandLine } from "node:util";
import { freshSeed } from "./random";

export interface ServerTiming {
  resendIntervalMs: number;
  maxSendAttempts: number;
  resumeWindowMs: number;
}

export interface RunConfig {
  /** "default" and "quick" name the two standard runs; any size override makes it "custom". */
  mode: "default" | "quick" | "custom";
  seed: number;
  /** How long faults are injected; settling and checking come after. */
  faultPhaseMs: number;
  clients: number;
  /** Clients that also save through an Outbox. */
  writers: number;
  /** Clients whose socket goes through the fault proxy. */
  proxied: number;
  saves: number;
  /** Edits and removals the writers make (their own items with edit keys, anyone's with the owner key). */
  edits: number;
  removals: number;
  /** Ticks and unticks of anyone's item, with no key, as anyone who can open the list may. */
  ticks: number;
  /** Field writers (fieldWriter.ts): browsers that change items field by field, naming themselves, some offline for a while. */
  fieldWriters: number;
  /** Items the field writers save and then change among themselves. */
  fieldItems: number;
  /** Edits and ticks the field writers make (0: none, and no field writers). */
  fieldChanges: number;
  disconnects: number;
  restarts: number;
  /** Silences that end once the server drops the client. */
  silences: number;
  /** Clients that go silent and never come back. */
  vanishing: number;
  /** Fresh clients arriving within one second, in the middle of the run (they stay to the end). */
  crowd: number;
  /** Clients whose socket stops being read for a while (then reads again). */
  pauses: number;
  /** Resume attempts abandoned while connecting, at random (on top of one per client after each restart). */
  abandons: number;
  timing: ServerTiming;
  /**
   * One client is dropped, stays away while more than a snapshot's worth of
   * items is saved, then comes back: off by default; it is how the page's
   * fresh-snapshot merge was caught (docs/RELIABILITY.md, "What chaos has caught").
   */
  longAbsence: boolean;
  /** Run on a list created for the run (`/api/lists/{id}/…`) rather than the default list. */
  list: boolean;
  /** `--relays AFTER:CAPACITY`: the list's object serves AFTER sockets, relays CAPACITY each (null: the server's defaults). */
  relays: { after: number; capacity: number } | null;
  /** `--save DIR`: where this run's report is kept on purpose (null: the git-ignored .results/chaos/). */
  save: string | null;
  /** The words after `npm run chaos --`, for the report. */
  argv: string[];
}

const TIMING: ServerTiming = { resendIntervalMs: 250, maxSendAttempts: 3, resumeWindowMs: 3_600_000 };

interface Size {
  faultPhaseMs: number;
  clients: number;
  saves: number;
  /** Null: a share of the saves (EDITS_PER_SAVE, REMOVALS_PER_SAVE, TICKS_PER_SAVE). */
  edits: number | null;
  removals: number | null;
  ticks: number | null;
  fieldChanges: number;
  fieldItems: number;
  disconnects: number;
  restarts: number;
  crowd: number | null;
}

const EDITS_PER_SAVE = 0.3;
const REMOVALS_PER_SAVE = 0.1;
const TICKS_PER_SAVE = 0.3;

const DEFAULT_SIZE: Size = {
  faultPhaseMs: 120_000,
  clients: 50,
  saves: 1000,
  edits: null,
  removals: null,
  ticks: null,
  fieldChanges: 400,
  fieldItems: 30,
  disconnects: 200,
  restarts: 3,
  crowd: null,
};
const QUICK_SIZE: Size = {
  faultPhaseMs: 40_000,
  clients: 16,
  saves: 200,
  edits: null,
  removals: null,
  ticks: null,
  fieldChanges: 120,
  fieldItems: 12,
  disconnects: 40,
  restarts: 1,
  crowd: null,
};

export const USAGE = `usage: npm run chaos -- [--quick] [--seed N] [--duration SECONDS] [--clients N] [--saves N]
                        [--edits N] [--removals N] [--ticks N] [--field-changes N] [--field-items N] [--disconnects N] [--restarts N] [--crowd N] [--long-absence] [--list] [--save DIR]
  --quick        about a minute: ${QUICK_SIZE.clients} clients, ${QUICK_SIZE.saves} saves, ${QUICK_SIZE.restarts} restart
  --seed N       replay the fault plan of an earlier run (its seed is printed)
  --duration S   seconds of fault injection (default ${DEFAULT_SIZE.faultPhaseMs / 1000})
  --edits N      edits by the writers (default ${EDITS_PER_SAVE * 100}% of --saves; 0 for none)
  --removals N   removals by the writers (default ${REMOVALS_PER_SAVE * 100}% of --saves; 0 for none)
  --ticks N      ticks and unticks by the writers, with no key (default ${TICKS_PER_SAVE * 100}% of --saves; 0 for none)
  --field-changes N  edits and ticks by field writers, each naming itself, some offline a while (default ${DEFAULT_SIZE.fieldChanges}, quick ${QUICK_SIZE.fieldChanges}; 0 for none)
  --field-items N    items the field writers save and change among themselves (default ${DEFAULT_SIZE.fieldItems}, quick ${QUICK_SIZE.fieldItems})
  --crowd N      fresh clients arriving within 1 s mid-run (default: half of --clients)
  --long-absence one client is dropped and away while more than 200 items are saved
  --list         run on a list created for the run (POST /api/lists), not the default list
  --relays A:C   the list's object serves A sockets, relays C each (RELAY_AFTER, RELAY_CAPACITY)
  --save DIR     keep the report in DIR (default: .results/chaos/, which git ignores)`;

const SIZE_FLAGS = {
  duration: (size: Size, value: number) => ({ ...size, faultPhaseMs: value * 1000 }),
  clients: (size: Size, value: number) => ({ ...size, clients: value }),
  saves: (size: Size, value: number) => ({ ...size, saves: value }),
  edits: (size: Size, value: number) => ({ ...size, edits: value }),
  removals: (size: Size, value: number) => ({ ...size, removals: value }),
  ticks: (size: Size, value: number) => ({ ...size, ticks: value }),
  "field-changes": (size: Size, value: number) => ({ ...size, fieldChanges: value }),
  "field-items": (size: Size, value: number) => ({ ...size, fieldItems: value }),
  disconnects: (size: Size, value: number) => ({ ...size, disconnects: value }),
  restarts: (size: Size, value: number) => ({ ...size, restarts: value }),
  crowd: (size: Size, value: number) => ({ ...size, crowd: value }),
} as const;
type SizeFlag = keyof typeof SIZE_FLAGS;

const ZERO_ALLOWED = new Set<string>(["restarts", "crowd", "edits", "removals", "ticks", "field-changes"]);

const OPTIONS = {
  quick: { type: "boolean" },
  seed: { type: "string" },
  "long-absence": { type: "boolean" },
  list: { type: "boolean" },
  relays: { type: "string" },
  save: { type: "string" },
  help: { type: "boolean", short: "h" },
  ...(Object.fromEntries(Object.keys(SIZE_FLAGS).map((flag) => [flag, { type: "string" }])) as Record<SizeFlag, { type: "string" }>),
} as const;

function wholeNumber(flag: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`--${flag} needs a whole number of at least ${min}\n${USAGE}`);
  }
  return value;
}

export function parseArgs(argv: string[]): RunConfig {
  let values;
  try {
    ({ values } = parseCommandLine({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new Error(USAGE);
  let size = values.quick ? QUICK_SIZE : DEFAULT_SIZE;
  let custom = Boolean(values["long-absence"] || values.list || values.relays);
  for (const flag of Object.keys(SIZE_FLAGS) as SizeFlag[]) {
    const raw = values[flag];
    if (raw === undefined) continue;
    size = SIZE_FLAGS[flag](size, wholeNumber(flag, raw, ZERO_ALLOWED.has(flag) ? 0 : 1));
    custom = true;
  }
  if (size.clients < 4) throw new Error(`--clients needs at least 4 (writers, proxied and silent ones)\n${USAGE}`);
  return {
    mode: custom ? "custom" : values.quick ? "quick" : "default",
    seed: values.seed === undefined ? freshSeed() : wholeNumber("seed", values.seed, 0),
    ...size,
    edits: size.edits ?? Math.round(size.saves * EDITS_PER_SAVE),
    removals: size.removals ?? Math.round(size.saves * REMOVALS_PER_SAVE),
    ticks: size.ticks ?? Math.round(size.saves * TICKS_PER_SAVE),
    writers: Math.max(2, Math.round(size.clients / 5)),
    fieldWriters: Math.max(3, Math.round(size.clients / 8)),
    proxied: Math.max(1, Math.round(size.clients / 4)),
    silences: Math.max(1, Math.round(size.clients / 4)),
    vanishing: Math.max(1, Math.round(size.clients / 25)),
    crowd: size.crowd ?? Math.round(size.clients / 2),
    pauses: Math.max(1, Math.round(size.clients / 4)),
    abandons: Math.max(1, Math.round(size.disconnects / 10)),
    timing: TIMING,
    longAbsence: Boolean(values["long-absence"]),
    list: Boolean(values.list),
    relays: values.relays === undefined ? null : relaySplit(values.relays),
    save: values.save ?? null,
    argv,
  };
}

function relaySplit(raw: string): { after: number; capacity: number } {
  const [after, capacity, ...rest] = raw.split(":");
  if (after === undefined || capacity === undefined || rest.length > 0) throw new Error(`--relays needs AFTER:CAPACITY, e.g. 4:5\n${USAGE}`);
  return { after: wholeNumber("relays", after, 0), capacity: wholeNumber("relays", capacity, 1) };
}

/** The words of argv without `--flag VALUE` (or `--flag=VALUE`) for each of `flags`. */
function without(argv: string[], flags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (flags.some((flag) => word.startsWith(`--${flag}=`))) continue;
    if (flags.includes(word.replace(/^--/, ""))) {
      i++;
      continue;
    }
    out.push(word);
  }
  return out;
}

/** The command that reproduces this run, seed included (where it was saved is no part of it). */
export function replayCommand(config: RunConfig): string {
  return ["npm run chaos --", ...without(config.argv, ["seed", "save"]), "--seed", String(config.seed)].join(" ");
}

/** The command exactly as it was typed. */
export function givenCommand(config: RunConfig): string {
  return config.argv.length === 0 ? "npm run chaos" : ["npm run chaos --", ...config.argv].join(" ");
}
