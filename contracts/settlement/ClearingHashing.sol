// SPDX-License-Identifier: Apache-2.0
// The hashes that bind clearing data on chain and off chain (oracles/market computes the same with viem).
pragma solidity ^0.8.24;

import {IClearingResults} from "../interfaces/IClearingResults.sol";

/// @title ClearingHashing
/// @notice keccak256 of the ABI encoding of each struct: what the order book commits and the results store.
library ClearingHashing {
    /// @dev Marks an award that comes from a flexible block rather than a step of a single-slot offer.
    uint16 internal constant BLOCK_STEP = type(uint16).max;
    /// @dev maxPrice of a request without a price cap.
    uint256 internal constant NO_PRICE_CAP = type(uint256).max;

    function hashOffer(IClearingResults.OfferData calldata offer) internal pure returns (bytes32) {
        return keccak256(abi.encode(offer));
    }

    function hashRequest(IClearingResults.RequestData calldata request) internal pure returns (bytes32) {
        return keccak256(abi.encode(request));
    }

    function hashAward(IClearingResults.Award calldata award) internal pure returns (bytes32) {
        return keccak256(abi.encode(award));
    }

    function hashAwards(IClearingResults.Award[] calldata awards) internal pure returns (bytes32) {
        return keccak256(abi.encode(awards));
    }
}
