// A batch's Merkle proofs as one fixed-stride byte string, the SCD's storage form: record i (leaf i, in the order the
// batch was cut) is a length byte, then that many 32-byte siblings, zero-padded to the stride. One write per batch
// instead of a wide update per packet; a packet's proof is `substring(proofs from 1 + leaf_index * stride for stride)`.
import { buildBatchTreeNodes, proofNodeIndices } from "../../../protocol";

export interface ProofBlob {
  /** bytes per leaf record: 1 + 32 x the longest proof */
  stride: number;
  bytes: Uint8Array;
}

/** A batch's root and the proofs of its leaves (in the order given), proofs already in storage form. */
export interface BatchProofBlob {
  root: string;
  proofBlob: ProofBlob;
}

const SIBLING = 32;

function hexToBuffer(hex: string): Buffer {
  const b = Buffer.from(hex.startsWith("0x") ? hex.slice(2) : hex, "hex");
  if (b.length !== SIBLING) throw new Error(`a proof element must be 32 bytes, got ${hex}`);
  return b;
}

/** Encodes proofs given as hex strings (any tree builder's output). */
export function encodeProofBlob(proofs: readonly (readonly string[])[]): ProofBlob {
  const longest = proofs.reduce((m, p) => Math.max(m, p.length), 0);
  if (longest > 255) throw new Error(`a proof of ${longest} elements does not fit the length byte`);
  const stride = 1 + SIBLING * longest;
  const bytes = new Uint8Array(stride * proofs.length);
  proofs.forEach((proof, i) => {
    bytes[i * stride] = proof.length;
    proof.forEach((h, k) => bytes.set(hexToBuffer(h), i * stride + 1 + k * SIBLING));
  });
  return { stride, bytes };
}

/** Decodes one leaf record (a slice of `stride` bytes, or the record at `offset` of the whole blob). */
export function decodeProofRecord(record: Uint8Array, offset = 0): string[] {
  const length = record[offset];
  if (length === undefined) throw new Error("empty proof record");
  const buf = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (offset + 1 + length * SIBLING > buf.length) throw new Error("truncated proof record");
  const proof: string[] = new Array(length);
  for (let k = 0; k < length; k++) {
    const at = offset + 1 + k * SIBLING;
    proof[k] = "0x" + buf.toString("hex", at, at + SIBLING);
  }
  return proof;
}

/**
 * The root and proof blob straight from the tree's raw nodes (no hex strings): what the anchorer's worker computes.
 * Same tree, root and proofs as protocol's `buildBatchProofs`.
 */
export function buildBatchProofBlob(hashes: readonly string[]): BatchProofBlob {
  const { nodes, position } = buildBatchTreeNodes(hashes);
  const paths = position.map(proofNodeIndices);
  const longest = paths.reduce((m, p) => Math.max(m, p.length), 0);
  const stride = 1 + SIBLING * longest;
  const bytes = new Uint8Array(stride * hashes.length);
  paths.forEach((path, i) => {
    bytes[i * stride] = path.length;
    path.forEach((j, k) => bytes.set(nodes[j]!, i * stride + 1 + k * SIBLING));
  });
  return { root: "0x" + Buffer.from(nodes[0]!).toString("hex"), proofBlob: { stride, bytes } };
}
