/**
 * Counters for the work that decides the bill on Cloudflare: storage rows,
 * alarms, frames. Kept in memory (they restart with the instance); read them
 * through the `usage` RPC from benchmarks and cost tests.
 */
export interface RoomUsage {
  rowsRead: number;
  rowsWritten: number;
  setAlarmCalls: number;
  alarmRuns: number;
  framesIn: number;
  framesOut: number;
}

export function emptyUsage(): RoomUsage {
  return { rowsRead: 0, rowsWritten: 0, setAlarmCalls: 0, alarmRuns: 0, framesIn: 0, framesOut: 0 };
}
