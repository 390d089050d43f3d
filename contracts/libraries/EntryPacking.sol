// SPDX-License-Identifier: Apache-2.0
// Compact storage of offers and requests: one storage word each, read with one SLOAD and written with one SSTORE
// (a Solidity struct in storage costs one SLOAD per member read, which made every award check pay ten).
pragma solidity ^0.8.24;

import {Direction} from "./Types.sol";
import {RequestKind, TargetKind, OfferKind, EntryStatus} from "../interfaces/IFlexMarket.sol";

/// @notice An offer as the market keeps it. `stepCount` tells whether the curve hash is implied: a one-step curve is
/// exactly (maxQuantityKw, minPriceMilliEurPerKw), so its hash is recomputed rather than stored.
struct OfferCore {
    uint32 sessionId;
    uint32 registrationIndex;
    OfferKind kind;
    Direction direction;
    EntryStatus status;
    uint8 firstSlot;
    uint8 lastSlot;
    uint8 stepCount;
    uint32 maxQuantityKw;
    uint32 energyKwh;
    uint32 minPriceMilliEurPerKw;
}

/// @notice A request as the market keeps it (its target, a PoD-set hash or a PomId, lives in a word of its own).
struct RequestCore {
    uint32 sessionId;
    RequestKind kind;
    EntryStatus status;
    uint8 slotIndex;
    TargetKind targetKind;
    Direction direction;
    int32 targetPowerKw;
    uint32 maxPriceMilliEurPerKw;
}

/// @title EntryPacking
/// @notice Offer word, from the low bits: sessionId (32) | registrationIndex (32) | kind (8) | direction (8) |
/// status (8) | firstSlot (8) | lastSlot (8) | stepCount (8) | maxQuantityKw (32) | energyKwh (32) |
/// minPriceMilliEurPerKw (32): 208 bits. Request word: sessionId (32) | kind (8) | status (8) | slotIndex (8) |
/// targetKind (8) | direction (8) | targetPowerKw (32, two's complement) | maxPriceMilliEurPerKw (32): 136 bits.
/// A zero word is an entry that does not exist (sessionId 0 is never a session).
library EntryPacking {
    uint256 private constant BYTE_MASK = type(uint8).max;
    /// @dev Bit offset of each field, named after it.
    uint256 private constant OFFER_REGISTRATION_SHIFT = 32;
    uint256 private constant OFFER_KIND_SHIFT = 64;
    uint256 private constant OFFER_DIRECTION_SHIFT = 72;
    uint256 private constant OFFER_STATUS_SHIFT = 80;
    uint256 private constant OFFER_FIRST_SLOT_SHIFT = 88;
    uint256 private constant OFFER_LAST_SLOT_SHIFT = 96;
    uint256 private constant OFFER_STEP_COUNT_SHIFT = 104;
    uint256 private constant OFFER_QUANTITY_SHIFT = 112;
    uint256 private constant OFFER_ENERGY_SHIFT = 144;
    uint256 private constant OFFER_PRICE_SHIFT = 176;
    uint256 private constant REQUEST_KIND_SHIFT = 32;
    uint256 private constant REQUEST_STATUS_SHIFT = 40;
    uint256 private constant REQUEST_SLOT_SHIFT = 48;
    uint256 private constant REQUEST_TARGET_KIND_SHIFT = 56;
    uint256 private constant REQUEST_DIRECTION_SHIFT = 64;
    uint256 private constant REQUEST_POWER_SHIFT = 72;
    uint256 private constant REQUEST_PRICE_SHIFT = 104;

    /// @notice Packs an offer.
    function packOffer(OfferCore memory o) internal pure returns (uint256) {
        return
            uint256(o.sessionId) |
            (uint256(o.registrationIndex) << OFFER_REGISTRATION_SHIFT) |
            (uint256(o.kind) << OFFER_KIND_SHIFT) |
            (uint256(o.direction) << OFFER_DIRECTION_SHIFT) |
            (uint256(o.status) << OFFER_STATUS_SHIFT) |
            (uint256(o.firstSlot) << OFFER_FIRST_SLOT_SHIFT) |
            (uint256(o.lastSlot) << OFFER_LAST_SLOT_SHIFT) |
            (uint256(o.stepCount) << OFFER_STEP_COUNT_SHIFT) |
            (uint256(o.maxQuantityKw) << OFFER_QUANTITY_SHIFT) |
            (uint256(o.energyKwh) << OFFER_ENERGY_SHIFT) |
            (uint256(o.minPriceMilliEurPerKw) << OFFER_PRICE_SHIFT);
    }

    /// @notice Unpacks an offer (all zero for an empty word).
    function unpackOffer(uint256 word) internal pure returns (OfferCore memory o) {
        unpackOfferInto(word, o);
    }

    /// @notice Unpacks an offer into an existing struct: a loop over many offers reuses one, so memory stays small
    /// (memory is never freed and its cost grows with the square of its size).
    function unpackOfferInto(uint256 word, OfferCore memory o) internal pure {
        o.sessionId = uint32(word);
        o.registrationIndex = uint32(word >> OFFER_REGISTRATION_SHIFT);
        o.kind = OfferKind(uint8(word >> OFFER_KIND_SHIFT));
        o.direction = Direction(uint8(word >> OFFER_DIRECTION_SHIFT));
        o.status = EntryStatus(uint8(word >> OFFER_STATUS_SHIFT));
        o.firstSlot = uint8(word >> OFFER_FIRST_SLOT_SHIFT);
        o.lastSlot = uint8(word >> OFFER_LAST_SLOT_SHIFT);
        o.stepCount = uint8(word >> OFFER_STEP_COUNT_SHIFT);
        o.maxQuantityKw = uint32(word >> OFFER_QUANTITY_SHIFT);
        o.energyKwh = uint32(word >> OFFER_ENERGY_SHIFT);
        o.minPriceMilliEurPerKw = uint32(word >> OFFER_PRICE_SHIFT);
    }

    /// @notice The offer's session id (0 when the offer does not exist).
    function offerSessionId(uint256 word) internal pure returns (uint32) {
        return uint32(word);
    }

    /// @notice The offer's registration index.
    function offerRegistrationIndex(uint256 word) internal pure returns (uint32) {
        return uint32(word >> OFFER_REGISTRATION_SHIFT);
    }

    /// @notice The offer's status.
    function offerStatus(uint256 word) internal pure returns (EntryStatus) {
        return EntryStatus(uint8(word >> OFFER_STATUS_SHIFT));
    }

    /// @notice The word with the offer's status replaced.
    function withOfferStatus(uint256 word, EntryStatus status) internal pure returns (uint256) {
        return (word & ~(BYTE_MASK << OFFER_STATUS_SHIFT)) | (uint256(status) << OFFER_STATUS_SHIFT);
    }

    /// @notice Packs a request.
    function packRequest(RequestCore memory r) internal pure returns (uint256) {
        return
            uint256(r.sessionId) |
            (uint256(r.kind) << REQUEST_KIND_SHIFT) |
            (uint256(r.status) << REQUEST_STATUS_SHIFT) |
            (uint256(r.slotIndex) << REQUEST_SLOT_SHIFT) |
            (uint256(r.targetKind) << REQUEST_TARGET_KIND_SHIFT) |
            (uint256(r.direction) << REQUEST_DIRECTION_SHIFT) |
            (uint256(uint32(r.targetPowerKw)) << REQUEST_POWER_SHIFT) |
            (uint256(r.maxPriceMilliEurPerKw) << REQUEST_PRICE_SHIFT);
    }

    /// @notice Unpacks a request (all zero for an empty word).
    function unpackRequest(uint256 word) internal pure returns (RequestCore memory r) {
        unpackRequestInto(word, r);
    }

    /// @notice Unpacks a request into an existing struct (see unpackOfferInto).
    function unpackRequestInto(uint256 word, RequestCore memory r) internal pure {
        r.sessionId = uint32(word);
        r.kind = RequestKind(uint8(word >> REQUEST_KIND_SHIFT));
        r.status = EntryStatus(uint8(word >> REQUEST_STATUS_SHIFT));
        r.slotIndex = uint8(word >> REQUEST_SLOT_SHIFT);
        r.targetKind = TargetKind(uint8(word >> REQUEST_TARGET_KIND_SHIFT));
        r.direction = Direction(uint8(word >> REQUEST_DIRECTION_SHIFT));
        r.targetPowerKw = int32(uint32(word >> REQUEST_POWER_SHIFT));
        r.maxPriceMilliEurPerKw = uint32(word >> REQUEST_PRICE_SHIFT);
    }

    /// @notice The request's slot.
    function requestSlotIndex(uint256 word) internal pure returns (uint8) {
        return uint8(word >> REQUEST_SLOT_SHIFT);
    }

    /// @notice The word with the request's status replaced.
    function withRequestStatus(uint256 word, EntryStatus status) internal pure returns (uint256) {
        return (word & ~(BYTE_MASK << REQUEST_STATUS_SHIFT)) | (uint256(status) << REQUEST_STATUS_SHIFT);
    }
}
