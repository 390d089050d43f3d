// Merkle batches of packet hashes, as OpenZeppelin's StandardMerkleTree builds them (leaf type bytes32), so that
// MerkleProof.verify(proof, root, keccak256(bytes.concat(keccak256(abi.encode(packetHash))))) holds on chain.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { encodeAbiParameters, keccak256, concat, type Hex } from "viem";

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
