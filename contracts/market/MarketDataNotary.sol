// SPDX-License-Identifier: Apache-2.0
// Market-data notarisation: the market operator anchors the hash of every published data set.
pragma solidity 0.8.28;

import {RoleGuarded} from "../access/RoleGuarded.sol";
import {Roles} from "../libraries/Roles.sol";
import {IMarketDataNotary, DatasetAnchor} from "../interfaces/IMarketDataNotary.sol";

/// @title MarketDataNotary
/// @notice See IMarketDataNotary for the guarantees.
contract MarketDataNotary is RoleGuarded, IMarketDataNotary {
    mapping(bytes32 datasetHash => DatasetAnchor) private _anchors;

    /// @param roleRegistry_ The platform's RoleRegistry.
    constructor(address roleRegistry_) RoleGuarded(roleRegistry_) {}

    /// @inheritdoc IMarketDataNotary
    function anchor(
        bytes32 datasetHash,
        bytes32 datasetKind,
        string calldata uri
    ) external onlyRole(Roles.MARKET_OPERATOR) {
        if (datasetHash == bytes32(0)) revert MarketDataNotaryZeroHash();
        uint64 anchoredAt = _anchors[datasetHash].anchoredAt;
        if (anchoredAt != 0) revert MarketDataNotaryAlreadyAnchored(datasetHash, anchoredAt);
        _anchors[datasetHash] = DatasetAnchor(msg.sender, uint64(block.timestamp), datasetKind);
        emit DatasetAnchored(datasetHash, datasetKind, msg.sender, uri);
    }

    /// @inheritdoc IMarketDataNotary
    function anchorOf(bytes32 datasetHash) external view returns (DatasetAnchor memory) {
        return _anchors[datasetHash];
    }
}
