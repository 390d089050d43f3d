// SPDX-License-Identifier: Apache-2.0
// Baselines: the 96 per-slot powers a PoD would draw without activation, committed on chain by their hash.
pragma solidity ^0.8.24;

import {DAY_SLOTS} from "./SlotTime.sol";

/// @dev Bytes of one packed baseline value (an int32, big-endian).
uint256 constant BASELINE_VALUE_BYTES = 4;
/// @dev Bytes of a packed day baseline: 96 int32 values = 384 bytes.
uint256 constant BASELINE_BYTES = DAY_SLOTS * BASELINE_VALUE_BYTES;

/// @title Baseline
/// @notice A day's baseline travels packed: 96 big-endian int32 values in kW, load convention (positive =
/// consumption), i.e. `solidityPacked(int32[96])` (ethers: `solidityPacked(Array(96).fill("int32"), values)`).
/// Packed, the event costs an eighth of an ABI-encoded `int32[96]`. The commitment is keccak256 of the 384 bytes.
library Baseline {
    uint256 private constant INT32_BITS = 32;
    uint256 private constant WORD_BITS = 256;

    /// @notice Whether `packedValuesKw` has the length of a day's baseline.
    function isWellFormed(bytes calldata packedValuesKw) internal pure returns (bool) {
        return packedValuesKw.length == BASELINE_BYTES;
    }

    /// @notice The commitment stored on chain.
    function hash(bytes calldata packedValuesKw) internal pure returns (bytes32) {
        return keccak256(packedValuesKw);
    }

    /// @notice The value of one slot, for contracts that verify a baseline against its hash (e.g. settlement).
    /// @param packedValuesKw A well-formed packed baseline (384 bytes).
    /// @param slotIndex 0..95.
    function valueAt(bytes memory packedValuesKw, uint256 slotIndex) internal pure returns (int32 valueKw) {
        uint256 word;
        uint256 offset = slotIndex * BASELINE_VALUE_BYTES;
        if (offset + BASELINE_VALUE_BYTES > packedValuesKw.length) revert BaselineSlotOutOfRange(slotIndex);
        // Reads the 32 bytes starting at the value; safe: the bounds were checked just above and the read stays
        // inside the array's allocation or the memory right after it, which is only read, never written.
        assembly ("memory-safe") {
            word := mload(add(add(packedValuesKw, 0x20), offset))
        }
        valueKw = int32(uint32(word >> (WORD_BITS - INT32_BITS)));
    }

    /// @notice `slotIndex` is outside the packed baseline.
    error BaselineSlotOutOfRange(uint256 slotIndex);
}
