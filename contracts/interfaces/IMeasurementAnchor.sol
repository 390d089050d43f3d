// SPDX-License-Identifier: Apache-2.0
// Merkle roots of measurement batches anchored by the BAL, and the on-chain checks anyone runs against them.
pragma solidity ^0.8.24;

import {PodId} from "../libraries/Types.sol";
import {ILightNodeRegistry} from "./ILightNodeRegistry.sol";

/// @title IMeasurementAnchor
/// @notice The BAL anchors the Merkle root of each batch of signed Light Node packets (with its time range and
/// count). Anyone can then check that a packet hash is in an anchored batch, and, in a dispute, that the packet was
/// signed by the key the PoD had at the packet's time. Leaves are OpenZeppelin StandardMerkleTree leaves of type
/// bytes32 over the packet hash: keccak256(bytes.concat(keccak256(abi.encode(packetHash)))).
interface IMeasurementAnchor {
    /// @notice Outcome of `checkReading`: the first check that failed, or Valid.
    enum ReadingCheck {
        Valid,
        RootNotAnchored,
        NotInBatch,
        MalformedPacket,
        PodMismatch,
        KeyNotValidAtTime,
        BadSignature
    }

    /// @notice An anchored batch. Packed in one storage slot.
    struct Batch {
        uint64 batchId;
        uint64 fromMs;
        uint64 toMs;
        uint32 count;
        uint32 anchoredAt;
    }

    /// @notice The root was already anchored (a restarted BAL re-sending a batch): nothing is anchored twice.
    error MeasurementAnchorRootAlreadyAnchored(bytes32 root, uint256 batchId);
    /// @notice The batch is empty, its root zero, or its time range reversed.
    error MeasurementAnchorInvalidBatch(bytes32 root, uint64 fromMs, uint64 toMs, uint32 count);
    /// @notice No batch with this id.
    error MeasurementAnchorUnknownBatch(uint256 batchId);

    /// @notice A batch root was anchored.
    event BatchAnchored(uint256 indexed batchId, bytes32 indexed root, uint64 fromMs, uint64 toMs, uint32 count);

    /// @notice Anchors a batch root. Caller must hold BAL_ANCHOR.
    /// @param root Merkle root (StandardMerkleTree, leaf type bytes32 over packet hashes).
    /// @param fromMs Earliest packet timestamp in the batch (ms).
    /// @param toMs Latest packet timestamp in the batch (ms).
    /// @param count Number of packets in the batch.
    /// @return batchId The batch's id (0, 1, 2, ... in anchoring order).
    function anchorBatch(bytes32 root, uint64 fromMs, uint64 toMs, uint32 count) external returns (uint256 batchId);

    /// @notice Whether `packetHash` is in the anchored batch `root` (false when the root was never anchored).
    /// @param root Batch root.
    /// @param packetHash SHA-256 of the packet's canonical encoding.
    /// @param proof Merkle proof (sibling path).
    /// @return True when anchored and the proof holds.
    function verifyReading(bytes32 root, bytes32 packetHash, bytes32[] calldata proof) external view returns (bool);

    /// @notice Dispute check: the packet's hash, its PoD, the key valid at its timestamp and its P-256 signature.
    /// @param podId The PoD claimed for the packet.
    /// @param encodedPacket The canonical packet encoding (protocol's `encodePacketData`); its SHA-256 is signed.
    /// @param r Signature r.
    /// @param s Signature s.
    /// @param qx Signer's public key x.
    /// @param qy Signer's public key y.
    /// @return Valid, or the first failing check among MalformedPacket, PodMismatch, KeyNotValidAtTime, BadSignature.
    function verifyReadingSignature(
        PodId podId,
        bytes calldata encodedPacket,
        bytes32 r,
        bytes32 s,
        bytes32 qx,
        bytes32 qy
    ) external view returns (ReadingCheck);

    /// @notice Every check of a certified reading in one call: root anchored, proof, then the signature checks.
    /// @param root Batch root.
    /// @param proof Merkle proof of sha256(encodedPacket).
    /// @param podId The PoD claimed for the packet.
    /// @param encodedPacket The canonical packet encoding.
    /// @param r Signature r.
    /// @param s Signature s.
    /// @param qx Signer's public key x.
    /// @param qy Signer's public key y.
    /// @return Valid, or the first failing check.
    function checkReading(
        bytes32 root,
        bytes32[] calldata proof,
        PodId podId,
        bytes calldata encodedPacket,
        bytes32 r,
        bytes32 s,
        bytes32 qx,
        bytes32 qy
    ) external view returns (ReadingCheck);

    /// @notice The batch anchored with `root` (reverts with MeasurementAnchorUnknownBatch(type(uint256).max) when none).
    /// @param root Batch root.
    /// @return The batch.
    function batchOfRoot(bytes32 root) external view returns (Batch memory);

    /// @notice Whether `root` was anchored.
    /// @param root Batch root.
    /// @return True when anchored.
    function isAnchored(bytes32 root) external view returns (bool);

    /// @notice The root of batch `batchId`.
    /// @param batchId The batch id.
    /// @return The root.
    function rootOf(uint256 batchId) external view returns (bytes32);

    /// @notice Number of batches anchored so far.
    /// @return The count.
    function batchCount() external view returns (uint256);

    /// @notice The key register used for signature checks.
    /// @return The LightNodeRegistry.
    function lightNodeRegistry() external view returns (ILightNodeRegistry);
}
