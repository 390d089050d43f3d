// SPDX-License-Identifier: Apache-2.0
// Interface of market-data notarisation: anchoring the hash of any published data set.
pragma solidity ^0.8.24;

/// @notice An anchored data set.
/// @param anchoredBy Who anchored it.
/// @param anchoredAt Block time of anchoring (0 = not anchored).
/// @param datasetKind What it is (`encodeBytes32String`, e.g. "clearing-results", "settlement-csv").
struct DatasetAnchor {
    address anchoredBy;
    uint64 anchoredAt;
    bytes32 datasetKind;
}

/// @title IMarketDataNotary
/// @notice Guarantees: a data set hash is anchored once, by the market operator, with the time it was anchored;
/// anyone can later check a published file against it.
interface IMarketDataNotary {
    error MarketDataNotaryZeroHash();
    error MarketDataNotaryAlreadyAnchored(bytes32 datasetHash, uint64 anchoredAt);

    /// @notice A data set was anchored; `uri` says where to fetch it.
    event DatasetAnchored(
        bytes32 indexed datasetHash,
        bytes32 indexed datasetKind,
        address indexed anchoredBy,
        string uri
    );

    /// @notice Anchors the hash of a published data set (market operator).
    /// @param datasetHash Hash of the data set (e.g. keccak256 or sha256 of the file).
    /// @param datasetKind What it is.
    /// @param uri Where it is published (may be empty).
    function anchor(bytes32 datasetHash, bytes32 datasetKind, string calldata uri) external;

    /// @notice The anchor of a data set hash.
    /// @param datasetHash The hash.
    /// @return The anchor (anchoredAt 0 when unknown).
    function anchorOf(bytes32 datasetHash) external view returns (DatasetAnchor memory);
}
