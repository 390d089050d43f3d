// SPDX-License-Identifier: Apache-2.0
// The register of Light Node P-256 keys per PoD, with the full history so that old readings stay verifiable.
pragma solidity ^0.8.24;

import {PodId} from "../libraries/Types.sol";

/// @title ILightNodeRegistry
/// @notice One active P-256 key per PoD: registered on first use by the BAL, rotated by a signature of the old key,
/// revoked by the DSO. Every key ever used keeps its validity interval, so `keyValidAt` answers for any past time.
/// Key hash convention: `keccak256(abi.encodePacked(qx, qy))` (the 64 raw bytes of the uncompressed point).
interface ILightNodeRegistry {
    /// @notice How a key's validity ended.
    enum KeyEnd {
        Active,
        Rotated,
        Revoked
    }

    /// @notice One key of a PoD's history. Valid for readings with validFromMs <= timestampMs < validUntilMs
    /// (validUntilMs = type(uint64).max while active).
    struct KeyRecord {
        bytes32 qx;
        bytes32 qy;
        uint64 validFromMs;
        uint64 validUntilMs;
        KeyEnd end;
    }

    /// @notice The PoD already has an active key; use rotation instead.
    error LightNodeRegistryKeyAlreadyActive(PodId podId, bytes32 activeKeyHash);
    /// @notice The PoD has no active key (never registered, or revoked).
    error LightNodeRegistryNoActiveKey(PodId podId);
    /// @notice The point (qx, qy) is not a valid P-256 public key.
    error LightNodeRegistryInvalidKey(bytes32 qx, bytes32 qy);
    /// @notice The key was already used (for this or another PoD); keys are never reused.
    error LightNodeRegistryKeyAlreadyUsed(bytes32 keyHash, PodId podId);
    /// @notice The rotation was not signed by the PoD's active key.
    error LightNodeRegistryInvalidRotationSignature(PodId podId, bytes32 activeKeyHash);

    /// @notice A key was registered for a PoD that had none active (trust on first use).
    event LightNodeKeyRegistered(
        PodId indexed podId,
        bytes32 indexed keyHash,
        bytes32 qx,
        bytes32 qy,
        uint64 validFromMs
    );
    /// @notice The PoD's key was replaced by a new one, authorised by the old key's signature.
    event LightNodeKeyRotated(
        PodId indexed podId,
        bytes32 indexed oldKeyHash,
        bytes32 indexed newKeyHash,
        bytes32 qx,
        bytes32 qy,
        uint64 atMs
    );
    /// @notice The DSO revoked the PoD's active key.
    event LightNodeKeyRevoked(PodId indexed podId, bytes32 indexed keyHash, uint64 atMs, bytes32 reason);

    /// @notice Registers the first key of a PoD, or a new key after a revocation (trust on first use).
    /// @dev Caller must hold BAL_ANCHOR (the BAL sees the node's first signed packet). The very first key of a PoD
    /// is valid from time 0, so the readings that led to its registration verify; later ones from block time.
    /// @param podId The PoD.
    /// @param qx Public key x.
    /// @param qy Public key y.
    function registerKey(PodId podId, bytes32 qx, bytes32 qy) external;

    /// @notice Replaces the PoD's active key with (qx, qy); anyone may submit it, the old key authorises it.
    /// @param podId The PoD.
    /// @param qx New public key x.
    /// @param qy New public key y.
    /// @param r Signature r by the active key over `rotationDigest(podId, qx, qy)` (P-256, SHA-256 prehash).
    /// @param s Signature s.
    function rotateKey(PodId podId, bytes32 qx, bytes32 qy, bytes32 r, bytes32 s) external;

    /// @notice Ends the validity of the PoD's active key now (compromised or device replaced).
    /// @dev Caller must hold DSO. Readings timestamped before now stay valid.
    /// @param podId The PoD.
    /// @param reason A short code (e.g. "compromised"), for the record.
    function revokeKey(PodId podId, bytes32 reason) external;

    /// @notice The message digest the active key signs to authorise a rotation to (qx, qy).
    /// @dev sha256(abi.encode("FlexGrid.LightNode.rotate", chainid, this, podId, activeKeyHash, qx, qy)).
    /// A device signs the encoding with ECDSA P-256 (SHA-256 prehash); this is the hash it ends up signing.
    /// @param podId The PoD.
    /// @param qx New public key x.
    /// @param qy New public key y.
    /// @return The SHA-256 digest.
    function rotationDigest(PodId podId, bytes32 qx, bytes32 qy) external view returns (bytes32);

    /// @notice The bytes whose SHA-256 is `rotationDigest` (what a device passes to its signer).
    /// @param podId The PoD.
    /// @param qx New public key x.
    /// @param qy New public key y.
    /// @return The encoded rotation message.
    function rotationMessage(PodId podId, bytes32 qx, bytes32 qy) external view returns (bytes memory);

    /// @notice Whether the key `keyHash` was the PoD's valid key at `timestampMs`.
    /// @param podId The PoD.
    /// @param keyHash keccak256(abi.encodePacked(qx, qy)).
    /// @param timestampMs Unix time in milliseconds (a reading's timestamp).
    /// @return True when validFromMs <= timestampMs < validUntilMs for that key of that PoD.
    function keyValidAt(PodId podId, bytes32 keyHash, uint64 timestampMs) external view returns (bool);

    /// @notice The PoD's active key (reverts with LightNodeRegistryNoActiveKey when none).
    /// @param podId The PoD.
    /// @return The active key record.
    function activeKey(PodId podId) external view returns (KeyRecord memory);

    /// @notice Whether the PoD has an active key.
    /// @param podId The PoD.
    /// @return True when a key is active.
    function hasActiveKey(PodId podId) external view returns (bool);

    /// @notice The PoD's whole key history, oldest first.
    /// @param podId The PoD.
    /// @return Every key record.
    function keyHistory(PodId podId) external view returns (KeyRecord[] memory);

    /// @notice The PoD a key was registered for (zero when never).
    /// @param keyHash keccak256(abi.encodePacked(qx, qy)).
    /// @return The PoD.
    function podOfKey(bytes32 keyHash) external view returns (PodId);
}
