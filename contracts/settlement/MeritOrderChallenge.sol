// SPDX-License-Identifier: Apache-2.0
// The merit-order challenge over FlexMarket's committed offers, requests and awards: a proven violation voids the
// session's result, which the Settlement then refuses to pay.
pragma solidity 0.8.28;

import {Direction, OfferId, PodId, SessionId} from "../libraries/Types.sol";
import {OfferCurve, PriceStep} from "../libraries/OfferCurve.sol";
import {PodSet} from "../libraries/PodSet.sol";
import {
    AwardView,
    ClearingView,
    EntryStatus,
    IFlexMarket,
    OfferKind,
    OfferView,
    RequestKind,
    RequestView,
    SessionStatus,
    SessionView
} from "../interfaces/IFlexMarket.sol";
import {IMeritOrderChallenge} from "../interfaces/IMeritOrderChallenge.sol";

/// @title MeritOrderChallenge
/// @notice See IMeritOrderChallenge. Holds no funds and no roles: anyone may prove, nobody may void otherwise. A
/// proof voids the result in the FlexMarket (which must name this contract as its challenge), where the session's
/// awards are then released and a corrected result can be posted.
contract MeritOrderChallenge is IMeritOrderChallenge {
    /// @notice How long a sealed result stays challengeable.
    uint64 public constant CHALLENGE_WINDOW_SECONDS = 1 hours;

    IFlexMarket private immutable _market;

    /// @param market_ The FlexMarket.
    constructor(address market_) {
        if (market_ == address(0)) revert MeritOrderChallengeZeroMarket();
        _market = IFlexMarket(market_);
    }

    /// @dev What the accepted side establishes for the rejected side's checks.
    struct Accepted {
        AwardView award;
        RequestView request;
        uint32 day;
        uint32 price;
    }

    /// @inheritdoc IMeritOrderChallenge
    function challenge(
        SessionId sessionId,
        uint32 awardIndex,
        PriceStep[] calldata acceptedCurve,
        OfferId rejectedOfferId,
        PriceStep[] calldata rejectedCurve,
        PodId[] calldata requestPodIds
    ) external {
        Accepted memory accepted = _checkAccepted(sessionId, awardIndex, acceptedCurve, requestPodIds);
        _checkRejected(sessionId, accepted, rejectedOfferId, rejectedCurve, requestPodIds);
        _market.voidResult(sessionId);
        emit SessionResultVoided(sessionId, msg.sender, awardIndex, accepted.award.offerId, rejectedOfferId);
    }

    /// @dev The session is challengeable, the award is for a DSO request whose PoDs are `requestPodIds`, and the
    /// accepted offer's curve is the committed one; returns the price of the step the award reached.
    function _checkAccepted(
        SessionId sessionId,
        uint32 awardIndex,
        PriceStep[] calldata acceptedCurve,
        PodId[] calldata requestPodIds
    ) private view returns (Accepted memory accepted) {
        SessionView memory s = _market.session(sessionId);
        if (s.status == SessionStatus.Voided) revert MeritOrderChallengeVoided(sessionId);
        if (s.status != SessionStatus.Cleared && s.status != SessionStatus.Finalised)
            revert MeritOrderChallengeNotCleared(sessionId, s.status);
        uint64 deadline = _deadline(sessionId);
        if (block.timestamp >= deadline) revert MeritOrderChallengeWindowClosed(sessionId, deadline);
        accepted.day = s.day;
        accepted.award = _market.award(sessionId, awardIndex);
        accepted.request = _market.request(accepted.award.requestId);
        if (accepted.request.kind != RequestKind.Dso) revert MeritOrderChallengeTsoRequest(accepted.award.requestId);
        _checkHash(accepted.request.target, PodSet.hash(requestPodIds));
        _checkHash(_market.offerCurveHash(accepted.award.offerId), OfferCurve.hash(acceptedCurve));
        accepted.price = _marginalPrice(acceptedCurve, accepted.award.quantityKw);
    }

    /// @dev The rejected offer was eligible for the same request and slot, cheaper, and its PoD idle.
    function _checkRejected(
        SessionId sessionId,
        Accepted memory accepted,
        OfferId rejectedOfferId,
        PriceStep[] calldata rejectedCurve,
        PodId[] calldata requestPodIds
    ) private view {
        OfferView memory b = _market.offer(rejectedOfferId);
        uint8 slot = accepted.award.slotIndex;
        if (SessionId.unwrap(b.sessionId) != SessionId.unwrap(sessionId))
            revert MeritOrderChallengeOfferNotInSession(rejectedOfferId, sessionId);
        if (b.kind != OfferKind.SingleSlot || b.status != EntryStatus.Active)
            revert MeritOrderChallengeOfferNotEligible(rejectedOfferId, b.kind, b.status);
        if (b.firstSlot != slot) revert MeritOrderChallengeSlotMismatch(slot, b.firstSlot);
        Direction wanted = accepted.request.input.direction;
        if (b.direction != wanted) revert MeritOrderChallengeDirectionMismatch(wanted, b.direction);
        _checkHash(b.curveHash, OfferCurve.hash(rejectedCurve));
        uint32 price = rejectedCurve[0].priceMilliEurPerKw;
        uint32 cap = accepted.request.input.maxPriceMilliEurPerKw;
        if (price > cap) revert MeritOrderChallengeAbovePriceCap(price, cap);
        if (price >= accepted.price) revert MeritOrderChallengeNotCheaper(accepted.price, price);
        if (!_contains(requestPodIds, b.podId))
            revert MeritOrderChallengePodNotInRequest(accepted.award.requestId, b.podId);
        // Idle PoD: no award in this session for the slot (even one the DSO later rejected) and none standing
        // from another session of the day (mutual unavailability across DA and RT).
        bool busy =
            _awardedInSession(sessionId, b.podId, slot) ||
                (_market.awardedSlotsOf(b.podId, accepted.day) >> slot) & 1 == 1;
        if (busy) revert MeritOrderChallengePodBusy(b.podId, accepted.day, slot);
    }

    /// @inheritdoc IMeritOrderChallenge
    function isVoided(SessionId sessionId) external view returns (bool) {
        return _market.sessionStatus(sessionId) == SessionStatus.Voided;
    }

    /// @inheritdoc IMeritOrderChallenge
    function challengeDeadline(SessionId sessionId) external view returns (uint64) {
        return _deadline(sessionId);
    }

    /// @inheritdoc IMeritOrderChallenge
    function isFinal(SessionId sessionId) external view returns (bool) {
        if (_market.sessionStatus(sessionId) != SessionStatus.Finalised) return false;
        uint64 deadline = _deadline(sessionId);
        return deadline != 0 && block.timestamp >= deadline;
    }

    /// @inheritdoc IMeritOrderChallenge
    function market() external view returns (IFlexMarket) {
        return _market;
    }

    /// @dev The window runs from the sealing of the current round (0 while unsealed).
    function _deadline(SessionId sessionId) private view returns (uint64) {
        ClearingView memory c = _market.clearingOf(sessionId);
        return c.sealedAt == 0 ? 0 : c.sealedAt + CHALLENGE_WINDOW_SECONDS;
    }

    function _checkHash(bytes32 committed, bytes32 supplied) private pure {
        if (committed != supplied) revert MeritOrderChallengeHashMismatch(committed, supplied);
    }

    function _marginalPrice(PriceStep[] calldata curve, uint32 quantityKw) private pure returns (uint32) {
        uint256 cumulative;
        for (uint256 i = 0; i < curve.length; ++i) {
            cumulative += curve[i].quantityKw;
            if (cumulative >= quantityKw) return curve[i].priceMilliEurPerKw;
        }
        return curve[curve.length - 1].priceMilliEurPerKw;
    }

    function _contains(PodId[] calldata podIds, PodId podId) private pure returns (bool) {
        for (uint256 i = 0; i < podIds.length; ++i) if (podIds[i] == podId) return true;
        return false;
    }

    function _awardedInSession(SessionId sessionId, PodId podId, uint8 slotIndex) private view returns (bool) {
        AwardView[] memory awards = _market.awardsOf(sessionId);
        for (uint256 i = 0; i < awards.length; ++i)
            if (awards[i].podId == podId && awards[i].slotIndex == slotIndex) return true;
        return false;
    }
}
