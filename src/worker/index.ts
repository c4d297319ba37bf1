/** The Worker's entry point: the routes, and the Durable Object classes they address. */
import { app } from "./app";

export { ListRoom } from "../room";
export { ListQuota } from "../quota/ListQuota";

declare global {
  namespace Cloudflare {
    // Declared here, beside what it describes, so that env.ts (imported by the
    // routes) does not import this module back.
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "ListRoom" | "ListQuota";
    }
  }
}

export default app;
