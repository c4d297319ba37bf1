import { describe, expect, it } from "vitest";
import { DEFAULT_LIST_ID, isListId, listIdFromPath, listPaths } from "../../src/protocol/lists";
import { BAD_LIST_LINKS, ISSUED_ID, LIST_PAGE_PATHS } from "./listPathCases";

describe("which list a page path shows", () => {
  it("/ and /index.html are the default list, /l/{id} that list with or without a trailing slash", () => {
    for (const { path, id } of LIST_PAGE_PATHS) expect(listIdFromPath(path), path).toBe(id);
  });

  it("a mistyped, over-long or percent-encoded id, or any other path, names no list", () => {
    for (const path of [...BAD_LIST_LINKS, "/other", "/api/items", "/l"]) expect(listIdFromPath(path), path).toBeNull();
  });

  it("a list's page path reads back as its id", () => {
    for (const id of [DEFAULT_LIST_ID, ISSUED_ID]) expect(listIdFromPath(listPaths(id).page)).toBe(id);
  });
});

describe("the id format", () => {
  it("is the default id or 16 to 64 URL-safe characters", () => {
    expect(isListId(DEFAULT_LIST_ID)).toBe(true);
    expect(isListId("a".repeat(16))).toBe(true);
    expect(isListId("a".repeat(64))).toBe(true);
    for (const id of ["groceries", "abc", "a".repeat(15), "a".repeat(65), "a".repeat(15) + "%", "a".repeat(15) + "."]) {
      expect(isListId(id), id).toBe(false);
    }
  });
});
