// SPDX-License-Identifier: Apache-2.0
// Anyone can void a session's clearing result by proving on chain that an accepted offer was dearer than a rejected,
// eligible one for the same request and slot (offer curves and the request's PoDs re-supplied, checked by hash).
pragma solidity ^0.8.24;

import {Direction, OfferId, PodId, RequestId, SessionId} from "../libraries/Types.sol";
import {PriceStep} from "../libraries/OfferCurve.sol";
import {EntryStatus, IFlexMarket, OfferKind, SessionStatus} from "./IFlexMarket.sol";

/// @title IMeritOrderChallenge
/// @notice Guarantees: a session's result is voided only by a proof, from FlexMarket's committed data, that award
/// `awardIndex` took offer A at step price pA for a DSO request while offer B of the same session, slot and
/// direction, of a PoD of the request with no award in that slot of the day (any session), priced within the cap,
/// was rejected at pB < pA. Challenges are open for CHALLENGE_WINDOW_SECONDS from the sealing of the result (the
/// FlexMarket refuses to seal after delivery has started); a result is final (settleable) once the session is
/// finalised and that window has passed. A voided result is released in the FlexMarket and re-cleared there.
/// @dev TSO requests are out of scope on chain (the dynamic traffic light can rightly exclude a cheaper PoD);
/// `flexgrid market verify` re-runs those off chain.
interface IMeritOrderChallenge {
    /// @notice The session's current result is voided already.
    error MeritOrderChallengeVoided(SessionId sessionId);
    /// @notice The market address is zero.
    error MeritOrderChallengeZeroMarket();
    error MeritOrderChallengeNotCleared(SessionId sessionId, SessionStatus status);
    error MeritOrderChallengeWindowClosed(SessionId sessionId, uint64 deadline);
    error MeritOrderChallengeTsoRequest(RequestId requestId);
    error MeritOrderChallengeHashMismatch(bytes32 committed, bytes32 supplied);
    error MeritOrderChallengeOfferNotInSession(OfferId offerId, SessionId sessionId);
    error MeritOrderChallengeOfferNotEligible(OfferId offerId, OfferKind kind, EntryStatus status);
    error MeritOrderChallengeSlotMismatch(uint8 awardSlot, uint8 offerSlot);
    error MeritOrderChallengeDirectionMismatch(Direction requestDirection, Direction offerDirection);
    error MeritOrderChallengeAbovePriceCap(uint32 offerPrice, uint32 maxPrice);
    error MeritOrderChallengeNotCheaper(uint32 acceptedPrice, uint32 rejectedPrice);
    error MeritOrderChallengePodNotInRequest(RequestId requestId, PodId podId);
    error MeritOrderChallengePodBusy(PodId podId, uint32 day, uint8 slotIndex);

    /// @notice A challenge proved a merit-order violation: the session's result is void.
    event SessionResultVoided(
        SessionId indexed sessionId,
        address indexed challenger,
        uint32 awardIndex,
        OfferId acceptedOfferId,
        OfferId rejectedOfferId
    );

    /// @notice Voids the session's result by proving a merit-order violation (anyone, within the window).
    /// @param sessionId The session.
    /// @param awardIndex The award that accepted the dearer offer.
    /// @param acceptedCurve The accepted offer's curve (checked against its curve hash).
    /// @param rejectedOfferId The cheaper, rejected offer.
    /// @param rejectedCurve Its curve (checked against its curve hash); its first step is the one compared.
    /// @param requestPodIds The DSO request's PoDs (checked against the request's PoD-set hash).
    function challenge(
        SessionId sessionId,
        uint32 awardIndex,
        PriceStep[] calldata acceptedCurve,
        OfferId rejectedOfferId,
        PriceStep[] calldata rejectedCurve,
        PodId[] calldata requestPodIds
    ) external;

    /// @notice Whether a challenge voided the session's result.
    /// @param sessionId The session.
    /// @return True when voided.
    function isVoided(SessionId sessionId) external view returns (bool);

    /// @notice When challenges of the current round close: its sealing + CHALLENGE_WINDOW_SECONDS (0 while unsealed).
    /// @param sessionId The session.
    /// @return The deadline.
    function challengeDeadline(SessionId sessionId) external view returns (uint64);

    /// @notice Whether the result stands for good: session finalised, window passed, not voided.
    /// @param sessionId The session.
    /// @return True when settleable.
    function isFinal(SessionId sessionId) external view returns (bool);

    /// @notice The market whose results are challenged.
    /// @return The FlexMarket.
    function market() external view returns (IFlexMarket);
}
