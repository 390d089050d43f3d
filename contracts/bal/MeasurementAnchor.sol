// SPDX-License-Identifier: Apache-2.0
// Anchors the BAL's Merkle batch roots of signed readings and verifies readings against them on chain.
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {RoleGuarded} from "../access/RoleGuarded.sol";
import {ILightNodeRegistry} from "../interfaces/ILightNodeRegistry.sol";
import {IMeasurementAnchor} from "../interfaces/IMeasurementAnchor.sol";
import {PodId} from "../libraries/Types.sol";
import {Roles} from "../libraries/Roles.sol";

/// @title MeasurementAnchor
/// @notice Guarantees: a root is anchored at most once and never changes; gas per anchor is constant (two storage
/// slots), so the cost per reading falls with the batch size.
contract MeasurementAnchor is IMeasurementAnchor, RoleGuarded {
    /// @dev The canonical encoding starts with five static words: version, kind, pod, timestampMs, sequence.
    uint256 private constant _HEADER_BYTES = 5 * 32;
    uint8 private constant _ENCODING_VERSION = 1;

    ILightNodeRegistry private immutable _registry;
    bytes32[] private _roots;
    mapping(bytes32 root => Batch batch) private _batches;

    /// @param roleRegistry_ The platform's RoleRegistry.
    /// @param lightNodeRegistry_ The Light Node key register.
    constructor(address roleRegistry_, ILightNodeRegistry lightNodeRegistry_) RoleGuarded(roleRegistry_) {
        _registry = lightNodeRegistry_;
    }

    /// @inheritdoc IMeasurementAnchor
    function anchorBatch(
        bytes32 root,
        uint64 fromMs,
        uint64 toMs,
        uint32 count
    ) external onlyRole(Roles.BAL_ANCHOR) returns (uint256 batchId) {
        if (root == bytes32(0) || count == 0 || fromMs > toMs)
            revert MeasurementAnchorInvalidBatch(root, fromMs, toMs, count);
        Batch storage existing = _batches[root];
        if (existing.anchoredAt != 0) revert MeasurementAnchorRootAlreadyAnchored(root, existing.batchId);
        batchId = _roots.length;
        _roots.push(root);
        _batches[root] = Batch({
            batchId: uint64(batchId),
            fromMs: fromMs,
            toMs: toMs,
            count: count,
            anchoredAt: uint32(block.timestamp)
        });
        emit BatchAnchored(batchId, root, fromMs, toMs, count);
    }

    /// @inheritdoc IMeasurementAnchor
    function verifyReading(bytes32 root, bytes32 packetHash, bytes32[] calldata proof) public view returns (bool) {
        return _batches[root].anchoredAt != 0 && MerkleProof.verifyCalldata(proof, root, _leafOf(packetHash));
    }

    /// @inheritdoc IMeasurementAnchor
    function verifyReadingSignature(
        PodId podId,
        bytes calldata encodedPacket,
        bytes32 r,
        bytes32 s,
        bytes32 qx,
        bytes32 qy
    ) public view returns (ReadingCheck) {
        if (encodedPacket.length < _HEADER_BYTES) return ReadingCheck.MalformedPacket;
        (uint8 version, , bytes32 pod, uint64 timestampMs, ) = abi.decode(
            encodedPacket[:_HEADER_BYTES],
            (uint8, uint8, bytes32, uint64, uint64)
        );
        if (version != _ENCODING_VERSION) return ReadingCheck.MalformedPacket;
        if (pod != PodId.unwrap(podId)) return ReadingCheck.PodMismatch;
        if (!_registry.keyValidAt(podId, keccak256(abi.encodePacked(qx, qy)), timestampMs)) {
            return ReadingCheck.KeyNotValidAtTime;
        }
        if (!P256.verify(sha256(encodedPacket), r, s, qx, qy)) return ReadingCheck.BadSignature;
        return ReadingCheck.Valid;
    }

    /// @inheritdoc IMeasurementAnchor
    function checkReading(
        bytes32 root,
        bytes32[] calldata proof,
        PodId podId,
        bytes calldata encodedPacket,
        bytes32 r,
        bytes32 s,
        bytes32 qx,
        bytes32 qy
    ) external view returns (ReadingCheck) {
        if (_batches[root].anchoredAt == 0) return ReadingCheck.RootNotAnchored;
        if (!MerkleProof.verifyCalldata(proof, root, _leafOf(sha256(encodedPacket)))) return ReadingCheck.NotInBatch;
        return verifyReadingSignature(podId, encodedPacket, r, s, qx, qy);
    }

    /// @inheritdoc IMeasurementAnchor
    function batchOfRoot(bytes32 root) external view returns (Batch memory) {
        Batch memory batch = _batches[root];
        if (batch.anchoredAt == 0) revert MeasurementAnchorUnknownBatch(type(uint256).max);
        return batch;
    }

    /// @inheritdoc IMeasurementAnchor
    function isAnchored(bytes32 root) external view returns (bool) {
        return _batches[root].anchoredAt != 0;
    }

    /// @inheritdoc IMeasurementAnchor
    function rootOf(uint256 batchId) external view returns (bytes32) {
        if (batchId >= _roots.length) revert MeasurementAnchorUnknownBatch(batchId);
        return _roots[batchId];
    }

    /// @inheritdoc IMeasurementAnchor
    function batchCount() external view returns (uint256) {
        return _roots.length;
    }

    /// @inheritdoc IMeasurementAnchor
    function lightNodeRegistry() external view returns (ILightNodeRegistry) {
        return _registry;
    }

    function _leafOf(bytes32 packetHash) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(packetHash))));
    }
}
