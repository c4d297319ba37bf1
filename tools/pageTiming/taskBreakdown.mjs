// What a long task on the page was made of, from a Chromium trace (the
// devtools.timeline categories that DevTools' Performance panel records):
// for each task over 50 ms on the page's main thread, its time by kind of
// work (self time: JS, style, layout, pre-paint, paint, ...), how many
// elements each style recalc touched and how many objects each layout, and
// whether style or layout ran inside JS (forced: something read layout after
// a write). Used by bigList.mjs with --profile; a measurement, not a test.

/** The trace categories to record. */
export const TRACE_CATEGORIES = ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "v8", "blink.user_timing"];

const JS = new Set(["FunctionCall", "EvaluateScript", "v8.compile", "v8.compileModule", "v8.evaluateModule", "TimerFire", "EventDispatch", "FireAnimationFrame", "FireIdleCallback", "v8.callFunction", "V8.Execute", "RunMicrotasks", "v8.run", "ParseHTML", "XHRReadyStateChange"]);
const kindOf = (name) =>
  JS.has(name) ? "js" : name === "UpdateLayoutTree" || name === "RecalculateStyles" ? "style" : name === "Layout" ? "layout" : /GC|Scavenge|MarkCompact/i.test(name) ? "gc" : name;

/** The busiest renderer main thread's complete events, nested (each with `children`). */
function mainThreadTree(events) {
  const names = new Map(events.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== "X" || names.get(`${e.pid}:${e.tid}`) !== "CrRendererMain") continue;
    const key = `${e.pid}:${e.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  const busiest = [...byThread.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  busiest.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const roots = [];
  const stack = [];
  for (const e of busiest) {
    const node = { ...e, children: [] };
    while (stack.length > 0 && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    (stack.at(-1)?.children ?? roots).push(node);
    stack.push(node);
  }
  return roots;
}

/** One long task's self time by kind, style elements, layout objects, and forced style/layout inside JS. */
function breakdown(task) {
  const self = new Map();
  const notes = { styleRecalcs: 0, styleElements: 0, maxStyleElements: 0, layouts: 0, layoutObjects: 0, forced: 0, forcedMs: 0, js: new Map() };
  const walk = (node, insideJs) => {
    const childTime = node.children.reduce((sum, c) => sum + c.dur, 0);
    const kind = kindOf(node.name);
    self.set(kind, (self.get(kind) ?? 0) + Math.max(0, node.dur - childTime));
    if (kind === "style") {
      notes.styleRecalcs++;
      const count = node.args?.elementCount ?? node.args?.data?.elementCount ?? 0;
      notes.styleElements += count;
      notes.maxStyleElements = Math.max(notes.maxStyleElements, count);
    }
    if (kind === "layout") {
      notes.layouts++;
      notes.layoutObjects = Math.max(notes.layoutObjects, node.args?.beginData?.dirtyObjects ?? 0);
    }
    if ((kind === "style" || kind === "layout") && insideJs) {
      notes.forced++;
      notes.forcedMs += node.dur;
    }
    if (node.name === "FunctionCall" || node.name === "EventDispatch" || node.name === "TimerFire" || node.name === "FireAnimationFrame") {
      const data = node.args?.data ?? {};
      const label = data.type ?? (data.functionName ? `${data.functionName || "(anonymous)"}` : node.name);
      notes.js.set(`${node.name}:${label}`, (notes.js.get(`${node.name}:${label}`) ?? 0) + node.dur);
    }
    for (const child of node.children) walk(child, insideJs || kind === "js");
  };
  for (const child of task.children) walk(child, false);
  const top = [...self].filter(([kind]) => kind !== "RunTask" && kind !== "ThreadControllerImpl::RunTask").sort((a, b) => b[1] - a[1]);
  return { top, notes };
}

const ms = (us) => (us / 1000).toFixed(0);

/** Lines describing each task over 50 ms in a trace, longest first (at most `limit`). */
export function describeLongTasks(trace, limit = 4) {
  const tasks = mainThreadTree(trace.traceEvents ?? trace).filter((node) => /RunTask/.test(node.name) && node.dur > 50_000);
  tasks.sort((a, b) => b.dur - a.dur);
  const lines = [];
  for (const task of tasks.slice(0, limit)) {
    const { top, notes } = breakdown(task);
    const parts = top.slice(0, 7).map(([kind, us]) => `${kind} ${ms(us)}`).join(", ");
    const js = [...notes.js].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([label, us]) => `${label} ${ms(us)}`).join(", ");
    lines.push(
      `  task ${ms(task.dur)} ms: ${parts}` +
        `\n    style recalcs ${notes.styleRecalcs} (elements ${notes.styleElements}, at most ${notes.maxStyleElements}), layouts ${notes.layouts} (dirty objects at most ${notes.layoutObjects}), forced inside JS ${notes.forced} (${ms(notes.forcedMs)} ms)` +
        (js ? `\n    JS entries: ${js}` : ""),
    );
  }
  if (tasks.length > limit) lines.push(`  (${tasks.length - limit} more over 50 ms)`);
  return lines;
}
