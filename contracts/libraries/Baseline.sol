// SPDX-License-Identifier: Apache-2.0
// Baselines: the 96 per-slot powers a PoD would draw without activation, committed on chain by their hash.
pragma solidity ^0.8.24;

import {DAY_SLOTS} from "./SlotTime.sol";

/// @title Baseline
/// @notice Canonical hash of a day's baseline: keccak256(abi.encode(int32[96] valuesKw)), kW, load convention
/// (positive = consumption). ethers: `keccak256(AbiCoder.encode(["int32[96]"], [values]))`.
library Baseline {
    /// @notice Hash of the 96 values.
    function hash(int32[DAY_SLOTS] calldata valuesKw) internal pure returns (bytes32) {
        return keccak256(abi.encode(valuesKw));
    }
}
