import { MemoryLog } from "../../../src/delivery/log/memoryLog";
import { deliveryLogContract } from "./deliveryLogContract";

deliveryLogContract("the in-memory log", async (test) => {
  const log = new MemoryLog();
  test({
    log,
    save: (title, body, at) => log.save(title, body, at),
    edit: (itemPos, title, at) => log.edit(itemPos, title, at),
    remove: (itemPos, at) => log.remove(itemPos, at),
  });
});
