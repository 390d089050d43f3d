// The fast batch proofs must equal buildBatchTree (OpenZeppelin StandardMerkleTree) root for root and
// proof for proof, or anchored readings would not verify.
import { expect } from "chai";
import { createHash } from "node:crypto";
import fc from "fast-check";
import type { Hex } from "viem";
import { buildBatchProofs, buildBatchTree, verifyBatchProof } from "..";

const hashOf = (s: string) => ("0x" + createHash("sha256").update(s).digest("hex")) as Hex;

describe("buildBatchProofs", () => {
  it("gives protocol's root and proofs for any batch size", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 70 }), (items) => {
        const hashes = items.map(hashOf);
        const ref = buildBatchTree(hashes);
        const fast = buildBatchProofs(hashes);
        expect(fast.root).to.equal(ref.root);
        hashes.forEach((h, i) => expect(fast.proofs[i]).to.deep.equal(ref.proofOf(h)));
      }),
      { numRuns: 60 },
    );
  });

  it("produces proofs that verify against its root", () => {
    const hashes = Array.from({ length: 1000 }, (_, i) => hashOf(`r${i}`));
    const { root, proofs } = buildBatchProofs(hashes);
    hashes.forEach((h, i) => expect(verifyBatchProof(root as Hex, h, proofs[i] as Hex[])).to.equal(true));
  });
});
