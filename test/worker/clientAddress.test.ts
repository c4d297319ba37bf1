/** Reading and grouping CF-Connecting-IP (src/worker/clientAddress.ts), with workerd's URL parser. */
import { describe, expect, it } from "vitest";
import { classifyAddress, UNKNOWN_ADDRESS_GROUP } from "../../src/worker/clientAddress";

const exempting = { exemptLoopback: true };
const strict = { exemptLoopback: false };

describe("classifyAddress", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2::7", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8::", "2001:db8:0:0::/64"],
    ["::ffff:203.0.113.8", "203.0.113.8"],
    ["::ffff:cb00:7109", "203.0.113.9"],
    [" 198.51.100.1 ", "198.51.100.1"],
  ])("%s is in group %s", (address, group) => {
    expect(classifyAddress(address, exempting)).toEqual({ kind: "limited", group });
  });

  it("a missing header is one shared group", () => {
    expect(classifyAddress(null, exempting)).toEqual({ kind: "limited", group: UNKNOWN_ADDRESS_GROUP });
  });

  it.each(["127.0.0.1", "127.200.0.9", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"])(
    "loopback %s is exempt only while the exemption is on",
    (address) => {
      expect(classifyAddress(address, exempting)).toEqual({ kind: "exempt" });
      expect(classifyAddress(address, strict).kind).toBe("limited");
    },
  );

  it.each(["", "1".repeat(46), "localhost", "203.0.113.256", "203.0.113", "01.2.3.4", "1.2.3.4, 5.6.7.8", "fe80::1%eth0", "[::1]", "2001:db8::1::2", "1:2:3:4:5:6:7:8:9", "http://1.2.3.4"])(
    "%j is not an address",
    (address) => {
      expect(classifyAddress(address, exempting).kind).toBe("invalid");
    },
  );
});
