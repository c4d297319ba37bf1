import { describe, expect, it } from "vitest";
import { ownerKeyFromFragment, ownerLink, shareLink, socketUrl } from "../../../src/client/core/listAddress";

const ID = "Xq3v9V0kP2bT7rWm1sLd8A";

describe("the owner key in a fragment", () => {
  it("is taken out, leaving nothing behind", () => {
    expect(ownerKeyFromFragment("#owner=abc_DEF-123")).toEqual({ ownerKey: "abc_DEF-123", rest: "" });
  });

  it("leaves other fragment parameters in place", () => {
    expect(ownerKeyFromFragment("#owner=k&x=1")).toEqual({ ownerKey: "k", rest: "#x=1" });
  });

  it("is absent from an empty or unrelated fragment, which stays as it was", () => {
    expect(ownerKeyFromFragment("")).toEqual({ ownerKey: null, rest: "" });
    expect(ownerKeyFromFragment("#top")).toEqual({ ownerKey: null, rest: "#top" });
  });

  it("is refused when it could not be a key, and still taken out of the address", () => {
    expect(ownerKeyFromFragment("#owner=")).toEqual({ ownerKey: null, rest: "" });
    expect(ownerKeyFromFragment("#owner=a%20b")).toEqual({ ownerKey: null, rest: "" });
    expect(ownerKeyFromFragment(`#owner=${"k".repeat(201)}`)).toEqual({ ownerKey: null, rest: "" });
  });

  it("round-trips through the owner link", () => {
    const link = new URL(ownerLink("https://listroom.example", ID, "key_-9"));
    expect(link.pathname).toBe(`/l/${ID}`);
    expect(ownerKeyFromFragment(link.hash).ownerKey).toBe("key_-9");
  });
});

describe("links and sockets", () => {
  it("the share link of the default list is the root; others are /l/{id}", () => {
    expect(shareLink("https://listroom.example", "main")).toBe("https://listroom.example/");
    expect(shareLink("https://listroom.example", ID)).toBe(`https://listroom.example/l/${ID}`);
    expect(ownerLink("https://listroom.example", "main", "k")).toBe("https://listroom.example/#owner=k");
  });

  it("the socket follows the page's scheme and the list", () => {
    expect(socketUrl({ protocol: "https:", host: "listroom.example" }, "main")).toBe("wss://listroom.example/ws");
    expect(socketUrl({ protocol: "http:", host: "127.0.0.1:8787" }, ID)).toBe(`ws://127.0.0.1:8787/api/lists/${ID}/ws`);
  });
});
