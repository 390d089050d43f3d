// Merkle batches of packet hashes, as OpenZeppelin's StandardMerkleTree builds them (leaf type bytes32), so that
// MerkleProof.verify(proof, root, keccak256(bytes.concat(keccak256(abi.encode(packetHash))))) holds on chain.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { bytesToHex, concat, encodeAbiParameters, hexToBytes, keccak256, type Hex } from "viem";
import { keccak256 as jsKeccak256 } from "js-sha3";

const LEAF_ENCODING = ["bytes32"];

export interface BatchTree {
  root: Hex;
  size: number;
  /** The sibling path of a packet hash; throws when the hash is not in the batch. */
  proofOf(hash: Hex): Hex[];
  /** JSON-serialisable form, reloadable with `loadBatchTree`. */
  dump(): unknown;
}

function wrap(tree: StandardMerkleTree<[string]>): BatchTree {
  const indexByHash = new Map<string, number>();
  for (const [index, [hash]] of tree.entries()) indexByHash.set(hash.toLowerCase(), index);
  return {
    root: tree.root as Hex,
    size: indexByHash.size,
    proofOf(hash) {
      const index = indexByHash.get(hash.toLowerCase());
      if (index === undefined) throw new Error(`packet hash ${hash} is not in this batch`);
      return tree.getProof(index) as Hex[];
    },
    dump: () => tree.dump(),
  };
}

export function buildBatchTree(hashes: readonly Hex[]): BatchTree {
  if (hashes.length === 0) throw new Error("a Merkle batch needs at least one packet hash");
  return wrap(
    StandardMerkleTree.of(
      hashes.map((h) => [h.toLowerCase()] as [string]),
      LEAF_ENCODING,
    ),
  );
}

export function loadBatchTree(dump: unknown): BatchTree {
  return wrap(StandardMerkleTree.load(dump as never) as StandardMerkleTree<[string]>);
}

/** The leaf a contract recomputes for a packet hash. */
export function leafOf(hash: Hex): Hex {
  return keccak256(concat([keccak256(encodeAbiParameters([{ type: "bytes32" }], [hash]))]));
}

/** Checks a proof off chain exactly as MerkleProof.verify does on chain (sorted-pair keccak). */
export function verifyBatchProof(root: Hex, hash: Hex, proof: readonly Hex[]): boolean {
  return StandardMerkleTree.verify(root, LEAF_ENCODING, [hash.toLowerCase()], proof as string[]);
}

/** keccak256(bytes.concat(keccak256(abi.encode(hash)))): abi.encode of a bytes32 is the 32 bytes themselves. */
function leafBytes(hash: Hex): Uint8Array {
  return keccakBytes(keccakBytes(hexToBytes(hash)));
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(64);
  if (compare(a, b) <= 0) {
    buf.set(a, 0);
    buf.set(b, 32);
  } else {
    buf.set(b, 0);
    buf.set(a, 32);
  }
  return keccakBytes(buf);
}

/**
 * The tree behind `buildBatchProofs` as raw bytes: `nodes[j]` is node j of StandardMerkleTree's array layout (root at
 * 0) and `position[i]` the node holding `hashes[i]`'s leaf. For callers that store proofs as bytes (the BAL's SCD):
 * the proof of leaf i is the sibling of each node on the path from `position[i]` up to the root.
 */
export function buildBatchTreeNodes(hashes: readonly string[]): { nodes: Uint8Array[]; position: number[] } {
  if (hashes.length === 0) throw new Error("a Merkle batch needs at least one packet hash");
  const leaves = hashes.map((h, index) => ({ index, leaf: leafBytes(h as Hex) }));
  // StandardMerkleTree sorts leaves by their hash, then stores leaf i at tree[length - 1 - i]
  leaves.sort((a, b) => compare(a.leaf, b.leaf));
  const n = leaves.length;
  const nodes: Uint8Array[] = new Array(2 * n - 1);
  const position = new Array<number>(n);
  leaves.forEach((l, i) => {
    nodes[nodes.length - 1 - i] = l.leaf;
    position[l.index] = nodes.length - 1 - i;
  });
  for (let i = nodes.length - 1 - n; i >= 0; i--) nodes[i] = hashPair(nodes[2 * i + 1]!, nodes[2 * i + 2]!);
  return { nodes, position };
}

/** The sibling node indices on the path from node `j` to the root (a proof, as indices into the array layout). */
export function proofNodeIndices(j: number): number[] {
  const siblings: number[] = [];
  for (; j > 0; j = Math.floor((j - 1) / 2)) siblings.push(j % 2 === 1 ? j + 1 : j - 1);
  return siblings;
}

/**
 * The root and each packet hash's proof, in the order given: the same tree as `buildBatchTree` (leaves sorted, array
 * layout, sorted-pair keccak) computed on raw bytes. OpenZeppelin's StandardMerkleTree needs ~1 ms per leaf for tree
 * and proofs (ABI coder, hex strings, a self-check per proof), 10 s for a 10,000-reading batch; this is ~50x faster,
 * so the BAL anchors with it. Property-tested equal to `buildBatchTree`, root for root and proof for proof.
 */
export function buildBatchProofs(hashes: readonly string[]): { root: Hex; proofs: Hex[][] } {
  const { nodes, position } = buildBatchTreeNodes(hashes);
  const hex = new Map<number, Hex>();
  const hexAt = (j: number) => {
    let h = hex.get(j);
    if (!h) hex.set(j, (h = bytesToHex(nodes[j]!)));
    return h;
  };
  const proofs = hashes.map((_, index) => proofNodeIndices(position[index]!).map(hexAt));
  return { root: hexAt(0), proofs };
}

/**
 * Keccak-256 for the tree's 32- and 64-byte inputs with js-sha3: the tree hashes three times per reading, and js-sha3
 * measured ~2x faster than @noble/hashes' keccak_256 on those sizes (4.5 vs 9.2 µs per hash here).
 */
function keccakBytes(input: Uint8Array): Uint8Array {
  return new Uint8Array(jsKeccak256.arrayBuffer(input));
}
