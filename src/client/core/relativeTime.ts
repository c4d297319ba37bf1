/** "just now", "2 min ago", "3 h ago", then the date: how long ago, as people say it. */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["minute", 60],
  ["hour", 60 * 60],
  ["day", 24 * 60 * 60],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function timeAgo(at: Date, now: number): string {
  const seconds = Math.max(0, Math.round((now - at.getTime()) / 1000));
  if (seconds < 45) return "just now";
  if (seconds >= 7 * 24 * 60 * 60) return absolute.format(at);
  let chosen = UNITS[0]!;
  for (const unit of UNITS) if (seconds >= unit[1]) chosen = unit;
  return relative.format(-Math.floor(seconds / chosen[1]), chosen[0]);
}

const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long" });

export function exactTime(at: Date): string {
  return exact.format(at);
}
