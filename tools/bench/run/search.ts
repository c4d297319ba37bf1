/**
 * The `search` scenario (issue 20; `npm run bench -- search [--items 5000] [--repeats 30]`): how long `GET /api/lists/{id}/items?q=` takes on a list at its
 * ceiling, under `wrangler dev` on this machine. A list is filled with
 * `--items` items whose bodies are full length (5,000 characters of words
 * drawn from a vocabulary of 4,000, some accented), with a few words planted
 * at known rates; then each query below is asked `--repeats` times, one at a
 * time, and its round trips summarised (median, p95, max), with the rows
 * the room read to answer it, beside the unsearched page read for scale.
 * It fills the default list, the one whose counters `/api/usage` shows. Writes search-<date>.json to
 * the results folder. A benchmark, not a test: nothing passes or fails.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BODY_MAX_CHARS } from "../../../src/protocol/limits";
import { DEFAULT_LIST_ID, listPaths } from "../../../src/protocol/lists";
import { copyApp } from "../../harness/appCopy";
import { onCleanup } from "../../harness/lifecycle";
import { shown } from "../../harness/results";
import { startWranglerDev } from "../../harness/wranglerDev";
import type { ScenarioContext } from "../scenario";
import { saveItem } from "./pageClients";

export interface SearchOptions {
  /** Items in the list, each of full length. */
  items: number;
  /** Times each query is asked. */
  repeats: number;
}

const SAVERS = 6;
const VOCABULARY_SIZE = 4_000;

/** A small deterministic generator, so every run fills the same list. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const random = generator(20);
const LETTERS = "abcdefghijklmnoprstuvwyzéèàüöñç";
const vocabulary = Array.from({ length: VOCABULARY_SIZE }, () => {
  const length = 3 + Math.floor(random() * 7);
  return Array.from({ length }, () => LETTERS[Math.floor(random() * LETTERS.length)]).join("");
});

/** Item n of `items` (0 is the oldest): planted words at known rates among vocabulary words. */
function itemText(n: number, items: number): { title: string; body: string } {
  const planted = ["common"];
  if (n % 10 === 0) planted.push("weekly");
  if (n % 50 === 0) planted.push("Crème");
  if (n === items - 250) planted.push("needle");
  const title = `Item ${n} ${planted.join(" ")}`;
  let body = planted.join(" ");
  while (body.length < BODY_MAX_CHARS - 12) body += ` ${vocabulary[Math.floor(random() * VOCABULARY_SIZE)]}`;
  return { title, body: body.slice(0, BODY_MAX_CHARS) };
}

interface Summary {
  query: string;
  what: string;
  matchesOnPage: number;
  /** The room's rows read for one ask (its `/api/usage` counter): what an index saves. */
  rowsRead: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function timed(url: string): Promise<{ ms: number; items: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = (await response.json()) as { items?: unknown[] };
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body)}`);
  return { ms, items: body.items?.length ?? 0 };
}

async function rowsRead(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/usage`);
  return ((await response.json()) as { usage: { rowsRead: number } }).usage.rowsRead;
}

export async function measureSearch({ items, repeats }: SearchOptions, { outDir, log }: ScenarioContext): Promise<number> {
  // The default list, whose room's counters `/api/usage` shows.
  const app = copyApp("listroom-search-bench-");
  onCleanup(() => app.remove());
  const server = await startWranglerDev({ label: "wrangler dev (search bench)", projectDir: app.dir, vars: { EXPOSE_USAGE: "true" } });
  try {
    const itemsPath = listPaths(DEFAULT_LIST_ID).items;
    const fillStarted = performance.now();
    const ids: string[] = new Array<string>(items);
    let next = 0;
    await Promise.all(
      Array.from({ length: SAVERS }, async () => {
        for (let n = next++; n < items; n = next++) {
          const { title, body } = itemText(n, items);
          ids[n] = await saveItem(server.baseUrl, `fill-${n}`, title, body, itemsPath);
        }
      }),
    );
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    log(`filled ${items} items of ${BODY_MAX_CHARS} characters in ${fillSeconds.toFixed(1)} s`);

    const middle = ids[Math.floor(items / 2)]!;
    const cases: { query: string; what: string }[] = [
      { query: "limit=200&before=" + ids[items - 1], what: "no search: the page below the newest item (not cached), for scale" },
      { query: "q=needle", what: "one match, 250 items down" },
      { query: "q=weekly", what: "every 10th item: the first page" },
      { query: "q=common", what: "every item: the first page" },
      { query: `q=common&before=${middle}`, what: "every item: a page from the middle" },
      { query: "q=creme", what: "every 50th item, found without its accent" },
      { query: "q=weekly%20creme", what: "two words: every 50th item" },
      { query: "q=a", what: "one letter: every word starting with a" },
      { query: "q=zzzqqq", what: "no match" },
    ];
    const results: Summary[] = [];
    for (const { query, what } of cases) {
      const url = `${server.baseUrl}${itemsPath}?${query}`;
      const readBefore = await rowsRead(server.baseUrl);
      await timed(url); // warm, and counted
      const read = (await rowsRead(server.baseUrl)) - readBefore;
      const times: number[] = [];
      let matchesOnPage = 0;
      for (let r = 0; r < repeats; r++) {
        const { ms, items: count } = await timed(url);
        times.push(ms);
        matchesOnPage = count;
      }
      times.sort((a, b) => a - b);
      const summary = { query, what, matchesOnPage, rowsRead: read, medianMs: quantile(times, 0.5), p95Ms: quantile(times, 0.95), maxMs: times.at(-1)! };
      results.push(summary);
      log(
        `${what.padEnd(66)} ${String(matchesOnPage).padStart(4)} items  ${String(read).padStart(5)} rows read  median ${summary.medianMs.toFixed(1)} ms  p95 ${summary.p95Ms.toFixed(1)} ms  max ${summary.maxMs.toFixed(1)} ms`,
      );
    }
    const file = join(outDir, `search-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify({ items, bodyChars: BODY_MAX_CHARS, repeats, fillSeconds, results }, null, 2));
    log(`wrote ${shown(file)}`);
    return 0;
  } finally {
    await server.dispose();
  }
}
