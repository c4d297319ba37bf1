/** The Worker's entry point: the routes, and the Durable Object classes they address. */
import { app } from "./app";

export { ListRoom } from "../room";
export { ListQuota } from "../quota/ListQuota";
export { ListRelay } from "../relay/ListRelay";

export default app;
