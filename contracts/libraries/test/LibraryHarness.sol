// SPDX-License-Identifier: Apache-2.0
// Test-only: exposes the market libraries' pure rules so they can be tested alone (never deployed by a step).
pragma solidity 0.8.28;

import {SessionKind, PodId, PomId, SessionId} from "../Types.sol";
import {SlotTime} from "../SlotTime.sol";
import {AwardPacking} from "../AwardPacking.sol";
import {ValidationVerdict} from "../Types.sol";
import {OfferCurve, PriceStep} from "../OfferCurve.sol";
import {Remuneration} from "../Remuneration.sol";
import {IRemunerationScheme} from "../../interfaces/IRemunerationScheme.sol";

/// @title LibraryHarness
/// @notice Test-only wrapper of the typed ids, SlotTime and AwardPacking.
contract LibraryHarness {
    /// @notice OfferCurve.marginalPrice.
    function marginalPrice(PriceStep[] calldata steps, uint32 quantityKw) external pure returns (uint32) {
        return OfferCurve.marginalPrice(steps, quantityKw);
    }

    /// @notice Remuneration.checkParameters.
    function checkParameters(
        IRemunerationScheme.Parameters calldata p
    ) external pure returns (bool valid, uint256 value, uint256 bound) {
        return Remuneration.checkParameters(p);
    }

    /// @notice Remuneration.assess.
    function assess(
        IRemunerationScheme.Parameters calldata p,
        int256 awardedPowerW,
        int256 deliveredW,
        uint256 paymentMicroEur
    ) external pure returns (IRemunerationScheme.Assessment memory) {
        return Remuneration.assess(p, awardedPowerW, deliveredW, paymentMicroEur);
    }

    /// @notice SlotTime.sessionSlots.
    function sessionSlots(SessionKind kind, uint8 realTimeIndex) external pure returns (uint8, uint8, bool) {
        return SlotTime.sessionSlots(kind, realTimeIndex);
    }

    /// @notice The typed ids' operators.
    function compareIds(
        PodId podA,
        PodId podB,
        PomId pomA,
        PomId pomB,
        SessionId sessionA,
        SessionId sessionB
    ) external pure returns (bool[5] memory results) {
        results = [podA == podB, podA != podB, pomA == pomB, pomA != pomB, sessionA == sessionB];
    }

    /// @notice AwardPacking.packAward then unpackAward.
    function awardRoundTrip(
        uint32 offerId,
        uint32 requestId,
        uint32 quantityKw,
        uint32 price
    ) external pure returns (uint32, uint32, uint32, uint32) {
        return AwardPacking.unpackAward(AwardPacking.packAward(offerId, requestId, quantityKw, price));
    }

    /// @notice AwardPacking validation pack, write into a word at `awardIndex`, read back, unpack.
    function validationRoundTrip(
        uint256 packedWord,
        uint256 awardIndex,
        ValidationVerdict verdict,
        uint32 finalQuantityKw,
        uint16 reasonCode
    ) external pure returns (uint256 newWord, ValidationVerdict, uint32, uint16) {
        (, uint256 shift) = AwardPacking.validationSlot(awardIndex);
        newWord = AwardPacking.writeValidation(
            packedWord,
            shift,
            AwardPacking.packValidation(verdict, finalQuantityKw, reasonCode)
        );
        (ValidationVerdict v, uint32 q, uint16 r) = AwardPacking.unpackValidation(
            AwardPacking.readValidation(newWord, shift)
        );
        return (newWord, v, q, r);
    }
}
