// The SCD's proof blob must give back, leaf for leaf, the proofs protocol's buildBatchProofs computes (the ones
// OpenZeppelin's MerkleProof accepts), whichever way it was built.
import { expect } from "chai";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { buildBatchProofs } from "../../../protocol";
import { buildBatchProofBlob, decodeProofRecord, encodeProofBlob } from "./proofBlob";

const hashOf = (s: string) => "0x" + createHash("sha256").update(s).digest("hex");

describe("proof blob", () => {
  it("holds protocol's root and every leaf's proof, for any batch size", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 70 }), (items) => {
        const hashes = items.map(hashOf);
        const ref = buildBatchProofs(hashes);
        const fast = buildBatchProofBlob(hashes);
        const encoded = encodeProofBlob(ref.proofs);
        expect(fast.root).to.equal(ref.root);
        expect(fast.proofBlob.stride).to.equal(encoded.stride);
        expect(Buffer.from(fast.proofBlob.bytes).equals(Buffer.from(encoded.bytes))).to.equal(true);
        hashes.forEach((_, i) => {
          const { stride, bytes } = fast.proofBlob;
          expect(decodeProofRecord(bytes.subarray(i * stride, (i + 1) * stride))).to.deep.equal(ref.proofs[i]);
          expect(decodeProofRecord(bytes, i * stride)).to.deep.equal(ref.proofs[i]);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("refuses a proof element that is not 32 bytes and a truncated record", () => {
    expect(() => encodeProofBlob([["0x1234"]])).to.throw(/32 bytes/);
    expect(() => decodeProofRecord(new Uint8Array([2, 0, 0]))).to.throw(/truncated/);
    expect(() => decodeProofRecord(new Uint8Array([]))).to.throw(/empty/);
  });
});
