/**
 * This page's list among this browser's lists (core/localLists.ts): it is
 * remembered in "Your lists", an owner link's key is kept once the server
 * says it owns the list (core/ownerLink.ts), its title is brought up to date
 * from the server, and a list made with "New list" joins them and opens.
 * When the link leads to no list, the page says so in its place. The
 * controls are the header's (listHeader.ts) and the dialog's
 * (newListDialog.ts); this module only connects them to the browser's lists
 * and the server.
 */
import { listPaths } from "../../protocol/lists";
import { ListHeader } from "./listHeader";
import { createList, readList, renameList } from "../core/listsApi";
import { LocalLists } from "../core/localLists";
import { NewListDialog } from "./newListDialog";
import { checkOwnerKey, takeOwnerLink } from "../core/ownerLink";
import type { KeyValueStore } from "../core/outbox";
import { byId } from "./pageElements";

/** In place of the list: what the server's own 404 page says, for a page the service worker served. */
export function showNoSuchList(): void {
  const main = document.querySelector("main");
  if (!main) return;
  const note = document.createElement("p");
  note.className = "emptystate";
  const home = document.createElement("a");
  home.href = "/";
  home.textContent = "Go to the shared list";
  note.append("This link does not lead to a list. ", home, ".");
  main.replaceChildren(note);
  byId("additem").hidden = true;
  byId("statusmessage").textContent = "no such list";
}

/** The list's header, with this browser's lists and the server behind it, and "New list". */
export function startLists(listId: string, store: KeyValueStore, fetchImpl: typeof fetch, onMissing: () => void, onOwnerLink?: () => void): ListHeader {
  const local = new LocalLists(store);
  const header = new ListHeader({
    listId,
    origin: location.origin,
    rename: (newTitle, key) => renameList(fetchImpl, listId, newTitle, key),
    onRenamed: (list) => header.showYourLists(local.retitle(list.id, list.title)),
  });
  header.setOwnerKey(local.ownerKey(listId));
  // An owner link: its key is kept only once the server says it owns the list
  // (core/ownerLink.ts); either way it leaves the address bar (and so history).
  void takeOwnerLink(location.hash, listId, local, (key) => checkOwnerKey(fetchImpl, listId, key)).then((outcome) => {
    if (outcome.fragment !== location.hash) history.replaceState(history.state, "", location.pathname + location.search + outcome.fragment);
    header.setOwnerKey(local.ownerKey(listId));
    onOwnerLink?.();
    if (outcome.message !== null) header.say(outcome.message);
  });
  header.showYourLists(local.remember({ id: listId, title: header.title, seenAt: Date.now() }));
  // The page may be the service worker's cached shell, which does not know the list's current title.
  void readList(fetchImpl, listId).then((answer) => {
    if (!answer.ok) {
      if (answer.status === 404) onMissing();
      return;
    }
    header.showTitle(answer.list.title);
    header.showYourLists(local.retitle(listId, answer.list.title));
  });

  // It opens from its own button, so nothing here holds on to it.
  new NewListDialog(
    (newTitle) => createList(fetchImpl, newTitle),
    (list, key) => {
      local.keepOwnerKey(list.id, key);
      local.remember({ id: list.id, title: list.title, seenAt: Date.now() });
      location.assign(listPaths(list.id).page);
    },
  );
  return header;
}
