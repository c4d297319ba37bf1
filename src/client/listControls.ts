/**
 * The list's own controls on the page: its title (renamed in place by an
 * owner), the share and owner links, "Your lists" and "New list"; and what
 * the page says in place of the list when the link leads to none.
 */
import { listPaths } from "../protocol/lists";
import { ListHeader } from "./listHeader";
import { createList, readList, renameList } from "./listsApi";
import { LocalLists } from "./localLists";
import { NewListDialog } from "./newListDialog";
import { checkOwnerKey, takeOwnerLink } from "./ownerLink";
import type { KeyValueStore } from "./outbox";
import { byId, pageTitle } from "./pageElements";

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

/**
 * The list's title, owner controls, share links, "Your lists" and "New list".
 * `onOwnerLink` is told once an owner link has been checked (the owner key
 * may have been kept: the cards then show Edit and Remove).
 */
export function startLists(listId: string, store: KeyValueStore, fetchImpl: typeof fetch, onMissing: () => void, onOwnerLink?: () => void): ListHeader {
  const local = new LocalLists(store);
  const title = pageTitle();
  const header = new ListHeader(
    {
      title,
      rename: byId<HTMLButtonElement>("renamelist"),
      renameForm: byId<HTMLFormElement>("renameform"),
      renameInput: byId<HTMLInputElement>("renametitle"),
      renameSave: byId<HTMLButtonElement>("saverename"),
      renameCancel: byId<HTMLButtonElement>("cancelrename"),
      renameError: byId("renameerror"),
      copyLink: byId<HTMLButtonElement>("copylink"),
      copyOwnerLink: byId<HTMLButtonElement>("copyownerlink"),
      linkField: byId<HTMLInputElement>("linkfield"),
      note: byId("sharenote"),
      yourListsMenu: byId<HTMLDetailsElement>("yourlists"),
      yourLists: byId("yourlistsitems"),
    },
    {
      listId,
      origin: location.origin,
      rename: (newTitle, key) => renameList(fetchImpl, listId, newTitle, key),
      onRenamed: (list) => header.showYourLists(local.retitle(list.id, list.title)),
    },
  );
  header.setOwnerKey(local.ownerKey(listId));
  // An owner link: its key is kept only once the server says it owns the list
  // (ownerLink.ts); either way it leaves the address bar (and so history).
  void takeOwnerLink(location.hash, listId, local, (key) => checkOwnerKey(fetchImpl, listId, key)).then((outcome) => {
    if (outcome.fragment !== location.hash) history.replaceState(history.state, "", location.pathname + location.search + outcome.fragment);
    header.setOwnerKey(local.ownerKey(listId));
    onOwnerLink?.();
    if (outcome.message !== null) byId("sharenote").textContent = outcome.message;
  });
  header.showYourLists(local.remember({ id: listId, title: title.textContent ?? "", seenAt: Date.now() }));
  // The page may be the service worker's cached shell, which does not know the list's current title.
  void readList(fetchImpl, listId).then((answer) => {
    if (!answer.ok) {
      if (answer.status === 404) onMissing();
      return;
    }
    header.showTitle(answer.list.title);
    header.showYourLists(local.retitle(listId, answer.list.title));
  });

  const newList = new NewListDialog(
    {
      dialog: byId<HTMLDialogElement>("newlistform"),
      form: byId<HTMLFormElement>("newlistformmain"),
      title: byId<HTMLInputElement>("newlisttitle"),
      create: byId<HTMLButtonElement>("createlist"),
      cancel: byId<HTMLButtonElement>("cancelnewlist"),
      error: byId("newlisterror"),
    },
    (newTitle) => createList(fetchImpl, newTitle),
    (list, key) => {
      local.keepOwnerKey(list.id, key);
      local.remember({ id: list.id, title: list.title, seenAt: Date.now() });
      location.assign(listPaths(list.id).page);
    },
  );
  byId("newlist").addEventListener("click", () => newList.open());
  return header;
}
