// Moved to src/shared/itemId.ts; kept for tools/chaos/logOrder.ts, which still imports it from here.
export { claimedPos, newItemId } from "../shared/itemId";
