// SPDX-License-Identifier: Apache-2.0
// Light Node key register: trust on first use, rotation signed by the old key (P-256 on chain), DSO revocation.
pragma solidity 0.8.28;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {RoleGuarded} from "../access/RoleGuarded.sol";
import {ILightNodeRegistry} from "../interfaces/ILightNodeRegistry.sol";
import {PodId} from "../libraries/Types.sol";
import {Roles} from "../libraries/Roles.sol";

/// @title LightNodeRegistry
/// @notice Guarantees: a PoD has at most one active key; a key serves one PoD only and is never reused; a key's
/// validity interval never changes once closed, so a reading that verified at its time verifies forever.
contract LightNodeRegistry is ILightNodeRegistry, RoleGuarded {
    uint64 private constant _OPEN_END = type(uint64).max;
    bytes32 private constant _ROTATION_TAG = "FlexGrid.LightNode.rotate";

    mapping(PodId podId => KeyRecord[] history) private _history;
    mapping(bytes32 keyHash => PodId podId) private _podOfKey;

    /// @param roleRegistry_ The platform's RoleRegistry.
    constructor(address roleRegistry_) RoleGuarded(roleRegistry_) {}

    /// @inheritdoc ILightNodeRegistry
    function registerKey(PodId podId, bytes32 qx, bytes32 qy) external onlyRole(Roles.BAL_ANCHOR) {
        KeyRecord[] storage history = _history[podId];
        uint256 n = history.length;
        if (n > 0 && history[n - 1].end == KeyEnd.Active) {
            revert LightNodeRegistryKeyAlreadyActive(podId, _keyHash(history[n - 1].qx, history[n - 1].qy));
        }
        bytes32 keyHash = _claimKey(podId, qx, qy);
        // the first key covers the readings signed before the BAL registered it; after a revocation, no gap-filling
        uint64 fromMs = n == 0 ? 0 : _nowMs();
        history.push(KeyRecord({qx: qx, qy: qy, validFromMs: fromMs, validUntilMs: _OPEN_END, end: KeyEnd.Active}));
        emit LightNodeKeyRegistered(podId, keyHash, qx, qy, fromMs);
    }

    /// @inheritdoc ILightNodeRegistry
    function rotateKey(PodId podId, bytes32 qx, bytes32 qy, bytes32 r, bytes32 s) external {
        KeyRecord storage current = _active(podId);
        bytes32 oldKeyHash = _keyHash(current.qx, current.qy);
        if (!P256.verify(sha256(_rotationMessage(podId, oldKeyHash, qx, qy)), r, s, current.qx, current.qy)) {
            revert LightNodeRegistryInvalidRotationSignature(podId, oldKeyHash);
        }
        bytes32 newKeyHash = _claimKey(podId, qx, qy);
        uint64 atMs = _nowMs();
        current.validUntilMs = atMs;
        current.end = KeyEnd.Rotated;
        _history[podId].push(
            KeyRecord({qx: qx, qy: qy, validFromMs: atMs, validUntilMs: _OPEN_END, end: KeyEnd.Active})
        );
        emit LightNodeKeyRotated(podId, oldKeyHash, newKeyHash, qx, qy, atMs);
    }

    /// @inheritdoc ILightNodeRegistry
    function revokeKey(PodId podId, bytes32 reason) external onlyRole(Roles.DSO) {
        KeyRecord storage current = _active(podId);
        uint64 atMs = _nowMs();
        current.validUntilMs = atMs;
        current.end = KeyEnd.Revoked;
        emit LightNodeKeyRevoked(podId, _keyHash(current.qx, current.qy), atMs, reason);
    }

    /// @inheritdoc ILightNodeRegistry
    function rotationDigest(PodId podId, bytes32 qx, bytes32 qy) external view returns (bytes32) {
        KeyRecord storage current = _active(podId);
        return sha256(_rotationMessage(podId, _keyHash(current.qx, current.qy), qx, qy));
    }

    /// @inheritdoc ILightNodeRegistry
    function rotationMessage(PodId podId, bytes32 qx, bytes32 qy) external view returns (bytes memory) {
        KeyRecord storage current = _active(podId);
        return _rotationMessage(podId, _keyHash(current.qx, current.qy), qx, qy);
    }

    /// @inheritdoc ILightNodeRegistry
    function keyValidAt(PodId podId, bytes32 keyHash, uint64 timestampMs) external view returns (bool) {
        if (PodId.unwrap(_podOfKey[keyHash]) != PodId.unwrap(podId)) return false;
        KeyRecord[] storage history = _history[podId];
        // histories are a handful of keys long; a key appears once in its PoD's history
        for (uint256 i = history.length; i > 0; --i) {
            KeyRecord storage k = history[i - 1];
            if (_keyHash(k.qx, k.qy) == keyHash) return k.validFromMs <= timestampMs && timestampMs < k.validUntilMs;
        }
        return false;
    }

    /// @inheritdoc ILightNodeRegistry
    function activeKey(PodId podId) external view returns (KeyRecord memory) {
        return _active(podId);
    }

    /// @inheritdoc ILightNodeRegistry
    function hasActiveKey(PodId podId) external view returns (bool) {
        KeyRecord[] storage history = _history[podId];
        return history.length > 0 && history[history.length - 1].end == KeyEnd.Active;
    }

    /// @inheritdoc ILightNodeRegistry
    function keyHistory(PodId podId) external view returns (KeyRecord[] memory) {
        return _history[podId];
    }

    /// @inheritdoc ILightNodeRegistry
    function podOfKey(bytes32 keyHash) external view returns (PodId) {
        return _podOfKey[keyHash];
    }

    function _active(PodId podId) private view returns (KeyRecord storage) {
        KeyRecord[] storage history = _history[podId];
        uint256 n = history.length;
        if (n == 0 || history[n - 1].end != KeyEnd.Active) revert LightNodeRegistryNoActiveKey(podId);
        return history[n - 1];
    }

    function _claimKey(PodId podId, bytes32 qx, bytes32 qy) private returns (bytes32 keyHash) {
        if (!P256.isValidPublicKey(qx, qy)) revert LightNodeRegistryInvalidKey(qx, qy);
        keyHash = _keyHash(qx, qy);
        PodId owner = _podOfKey[keyHash];
        if (PodId.unwrap(owner) != bytes32(0)) revert LightNodeRegistryKeyAlreadyUsed(keyHash, owner);
        _podOfKey[keyHash] = podId;
    }

    function _rotationMessage(
        PodId podId,
        bytes32 oldKeyHash,
        bytes32 qx,
        bytes32 qy
    ) private view returns (bytes memory) {
        return abi.encode(_ROTATION_TAG, block.chainid, address(this), podId, oldKeyHash, qx, qy);
    }

    function _keyHash(bytes32 qx, bytes32 qy) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(qx, qy));
    }

    function _nowMs() private view returns (uint64) {
        return uint64(block.timestamp) * 1000;
    }
}
