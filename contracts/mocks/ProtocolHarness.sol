// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";

/// @title ProtocolHarness
/// @notice Test-only contract: checks that what protocol/ produces off chain (Merkle leaves and proofs, P-256
/// signatures of packet hashes) is exactly what OpenZeppelin's libraries accept on chain. Never deployed by
/// scripts/deploy.ts.
contract ProtocolHarness {
    /// @notice The Merkle leaf of a packet hash, as OpenZeppelin's StandardMerkleTree (leaf type bytes32) builds it.
    /// @param packetHash SHA-256 of the packet's canonical encoding.
    function leafOf(bytes32 packetHash) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(packetHash))));
    }

    /// @notice Whether `packetHash` is in the batch whose root is `root`.
    /// @param proof Sibling path produced by protocol's `BatchTree.proofOf`.
    /// @param root Batch root.
    /// @param packetHash SHA-256 of the packet's canonical encoding.
    function verifyLeaf(bytes32[] calldata proof, bytes32 root, bytes32 packetHash) external pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, leafOf(packetHash));
    }

    /// @notice Whether (r, s) is a valid P-256 signature of `packetHash` by the key (qx, qy).
    /// @param packetHash SHA-256 of the canonical encoding (the ECDSA message digest).
    /// @param r Signature r.
    /// @param s Signature s (low half of the order).
    /// @param qx Public key x.
    /// @param qy Public key y.
    function verifySignature(
        bytes32 packetHash,
        bytes32 r,
        bytes32 s,
        bytes32 qx,
        bytes32 qy
    ) external view returns (bool) {
        return P256.verify(packetHash, r, s, qx, qy);
    }

    /// @notice The SHA-256 of `encoded`, so a test can check that the chain agrees with protocol's packet hash.
    /// @param encoded Canonical packet encoding.
    function sha256Of(bytes calldata encoded) external pure returns (bytes32) {
        return sha256(encoded);
    }
}
