// The Merkle tree's keccak must be @noble/hashes' keccak_256 byte for byte, for every input length it accepts.
import { expect } from "chai";
import fc from "fast-check";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { keccak256Short } from "../src/keccakShort";

describe("keccak256Short", () => {
  it("equals keccak_256 for any input under one block (0 to 135 bytes)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 135 }), (bytes) => {
        expect(Buffer.from(keccak256Short(bytes)).toString("hex")).to.equal(
          Buffer.from(keccak_256(bytes)).toString("hex"),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it("gives the known digest of the empty input and refuses a full block", () => {
    expect(Buffer.from(keccak256Short(new Uint8Array())).toString("hex")).to.equal(
      "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    expect(() => keccak256Short(new Uint8Array(136))).to.throw(/under 136 bytes/);
  });
});
