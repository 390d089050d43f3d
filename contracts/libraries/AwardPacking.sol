// SPDX-License-Identifier: Apache-2.0
// Compact storage of awards (two per slot) and validations (four per slot): posting 100 awards stays cheap.
pragma solidity ^0.8.24;

import {ValidationVerdict} from "./Types.sol";

/// @title AwardPacking
/// @notice An award word (uint128) = offerId | requestId | quantityKw | priceMilliEurPerKw, 32 bits each.
/// A validation word (uint64) = verdict (8 bits) | finalQuantityKw (32) | reasonCode (16); 0 = not validated.
library AwardPacking {
    uint256 private constant FIELD_BITS = 32;
    uint256 private constant FIELD_MASK = type(uint32).max;
    /// @notice Bits of one packed award; two awards share a storage word.
    uint256 internal constant AWARD_BITS = 128;
    uint256 private constant AWARDS_PER_WORD = 2;
    uint256 private constant VALIDATION_BITS = 64;
    uint256 private constant VALIDATIONS_PER_WORD = 4;
    uint256 private constant VALIDATION_MASK = type(uint64).max;
    uint256 private constant REASON_BITS = 16;
    uint256 private constant VERDICT_SHIFT = 48;

    /// @notice Packs an award.
    function packAward(
        uint32 offerId,
        uint32 requestId,
        uint32 quantityKw,
        uint32 priceMilliEurPerKw
    ) internal pure returns (uint128) {
        return
            uint128(
                (uint256(offerId) << (3 * FIELD_BITS)) |
                    (uint256(requestId) << (2 * FIELD_BITS)) |
                    (uint256(quantityKw) << FIELD_BITS) |
                    priceMilliEurPerKw
            );
    }

    /// @notice Unpacks an award.
    function unpackAward(
        uint128 word
    ) internal pure returns (uint32 offerId, uint32 requestId, uint32 quantityKw, uint32 priceMilliEurPerKw) {
        uint256 w = word;
        offerId = uint32(w >> (3 * FIELD_BITS));
        requestId = uint32((w >> (2 * FIELD_BITS)) & FIELD_MASK);
        quantityKw = uint32((w >> FIELD_BITS) & FIELD_MASK);
        priceMilliEurPerKw = uint32(w & FIELD_MASK);
    }

    /// @notice Packs a validation.
    function packValidation(
        ValidationVerdict verdict,
        uint32 finalQuantityKw,
        uint16 reasonCode
    ) internal pure returns (uint64) {
        return uint64((uint256(verdict) << VERDICT_SHIFT) | (uint256(finalQuantityKw) << REASON_BITS) | reasonCode);
    }

    /// @notice Unpacks a validation (Pending, 0, 0 for an empty word).
    function unpackValidation(
        uint64 word
    ) internal pure returns (ValidationVerdict verdict, uint32 finalQuantityKw, uint16 reasonCode) {
        verdict = ValidationVerdict(uint8(word >> VERDICT_SHIFT));
        finalQuantityKw = uint32((word >> REASON_BITS) & FIELD_MASK);
        reasonCode = uint16(word);
    }

    /// @notice Where award `awardIndex` lives: storage word and bit shift (the first of a pair in the low bits).
    function awardSlot(uint256 awardIndex) internal pure returns (uint256 word, uint256 shift) {
        return (awardIndex / AWARDS_PER_WORD, (awardIndex % AWARDS_PER_WORD) * AWARD_BITS);
    }

    /// @notice Reads an award out of its word.
    function readAward(uint256 packedWord, uint256 shift) internal pure returns (uint128) {
        return uint128(packedWord >> shift);
    }

    /// @notice Where award `awardIndex`'s validation lives: storage word and bit shift.
    function validationSlot(uint256 awardIndex) internal pure returns (uint256 word, uint256 shift) {
        return (awardIndex / VALIDATIONS_PER_WORD, (awardIndex % VALIDATIONS_PER_WORD) * VALIDATION_BITS);
    }

    /// @notice Reads a validation out of its word.
    function readValidation(uint256 packedWord, uint256 shift) internal pure returns (uint64) {
        return uint64((packedWord >> shift) & VALIDATION_MASK);
    }

    /// @notice Writes a validation into its (empty) place of the word.
    function writeValidation(uint256 packedWord, uint256 shift, uint64 validation) internal pure returns (uint256) {
        return packedWord | (uint256(validation) << shift);
    }
}
