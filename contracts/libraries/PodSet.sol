// SPDX-License-Identifier: Apache-2.0
// PoD sets (DSO request targets, perimeters) are committed on chain by their hash; the list rides in events.
pragma solidity ^0.8.24;

import {PodId} from "./Types.sol";

/// @title PodSet
/// @notice Canonical hash of a PoD list, in the order given: keccak256(abi.encode(bytes32[])).
library PodSet {
    /// @notice Hash of the list.
    function hash(PodId[] calldata podIds) internal pure returns (bytes32) {
        return keccak256(abi.encode(podIds));
    }
}
