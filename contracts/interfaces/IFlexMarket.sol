// SPDX-License-Identifier: Apache-2.0
// Interface of the FlexMarket: sessions, requests, offers, clearing results, technical validation, final outcome.
pragma solidity ^0.8.24;

import {
    PodId,
    PomId,
    SessionId,
    RequestId,
    OfferId,
    SessionKind,
    Direction,
    ValidationVerdict
} from "../libraries/Types.sol";
import {PriceStep} from "../libraries/OfferCurve.sol";
import {QualificationStatus} from "./IPodRegistry.sol";
import {IPodRegistry} from "./IPodRegistry.sol";
import {IDayAheadCalendar} from "./IDayAheadCalendar.sol";

/// @notice Where a session is. Scheduled/Open/GateClosed follow block time; the rest follow calls.
/// Order: Scheduled -> Open -> GateClosed -> Clearing -> Cleared -> Finalised. Voided: the result was voided by the
/// merit-order challenge or the clearing lapsed unsealed; its awards are released, then a corrected round reopens at
/// GateClosed.
enum SessionStatus {
    None,
    Scheduled,
    Open,
    GateClosed,
    Clearing,
    Cleared,
    Finalised,
    Voided
}

/// @notice Who asked: the DSO (on a PoD set) or the TSO (on a PoM).
enum RequestKind {
    Dso,
    Tso
}

/// @notice A request's target: the absolute power to reach (sum over its PoDs) or a change from the baseline.
enum TargetKind {
    Absolute,
    Delta
}

/// @notice A single-slot offer, or an energy-constrained block (any slots of a window, up to an energy).
enum OfferKind {
    SingleSlot,
    Block
}

/// @notice Life of a request or an offer.
enum EntryStatus {
    None,
    Active,
    Cancelled,
    Replaced
}

/// @notice A request as submitted.
/// @param slotIndex Delivery slot, 0..95 of the session's day (inside the session's slots).
/// @param targetKind Absolute (kW the PoDs together should draw) or Delta (kW change from baseline).
/// @param direction Up (more consumption) or Down (less); a Delta's sign must match (Down < 0 < Up).
/// @param targetPowerKw Target, kW, load convention (positive = consumption).
/// @param maxPriceMilliEurPerKw Price cap (MarketUnits.NO_PRICE_CAP for none).
struct RequestInput {
    uint8 slotIndex;
    TargetKind targetKind;
    Direction direction;
    int32 targetPowerKw;
    uint32 maxPriceMilliEurPerKw;
}

/// @notice An offer as submitted by a PoD's aggregator.
/// @param sessionId The session.
/// @param podId The PoD (caller must be its aggregator; it must be qualified).
/// @param kind SingleSlot (firstSlot == lastSlot, energyKwh == 0) or Block.
/// @param direction Up or Down.
/// @param firstSlot First slot of the window (0..95).
/// @param lastSlot Last slot of the window.
/// @param energyKwh Block only: most energy over the window (kWh).
/// @param steps The price-step curve (see OfferCurve).
struct OfferInput {
    SessionId sessionId;
    PodId podId;
    OfferKind kind;
    Direction direction;
    uint8 firstSlot;
    uint8 lastSlot;
    uint32 energyKwh;
    PriceStep[] steps;
}

/// @notice An award as posted by the market operator.
/// @param offerId The offer served.
/// @param requestId The request served.
/// @param slotIndex The delivery slot (the request's slot).
/// @param quantityKw Awarded power, kW (magnitude; the direction is the request's).
/// @param priceMilliEurPerKw Clearing price.
struct AwardInput {
    OfferId offerId;
    RequestId requestId;
    uint8 slotIndex;
    uint32 quantityKw;
    uint32 priceMilliEurPerKw;
}

/// @notice The DSO oracle's technical validation of one award.
/// @param awardIndex Index of the award in its session (0..awardCount-1).
/// @param verdict Ok, Ko or Partial.
/// @param reducedQuantityKw Partial only: the admitted quantity, 0 < reduced < awarded (else 0).
/// @param reasonCode Why (0 for Ok; the DSO's violation code otherwise).
struct ValidationInput {
    uint32 awardIndex;
    ValidationVerdict verdict;
    uint32 reducedQuantityKw;
    uint16 reasonCode;
}

/// @notice A session as read.
struct SessionView {
    SessionId sessionId;
    SessionKind kind;
    uint8 realTimeIndex;
    uint32 day;
    uint8 firstSlot;
    uint8 slotCount;
    uint64 dayStartTime;
    uint64 openingTime;
    uint64 gateClosureTime;
    SessionStatus status;
    uint32 awardCount;
    uint32 pendingValidations;
    bytes32 inputsHash;
}

/// @notice A request as read. `target` is the PoD-set hash (Dso) or the PomId (Tso).
struct RequestView {
    RequestId requestId;
    SessionId sessionId;
    RequestKind kind;
    EntryStatus status;
    bytes32 target;
    RequestInput input;
}

/// @notice An offer as read.
struct OfferView {
    OfferId offerId;
    SessionId sessionId;
    PodId podId;
    uint32 registrationIndex;
    OfferKind kind;
    Direction direction;
    EntryStatus status;
    uint8 firstSlot;
    uint8 lastSlot;
    uint32 maxQuantityKw;
    uint32 energyKwh;
    uint32 minPriceMilliEurPerKw;
    bytes32 curveHash;
}

/// @notice An award with its validation: the final outcome once the session is Finalised.
/// @param finalQuantityKw Ok: quantityKw; Partial: the reduced quantity; Ko or Pending: 0.
struct AwardView {
    uint32 awardIndex;
    OfferId offerId;
    RequestId requestId;
    PodId podId;
    address aggregator;
    uint8 slotIndex;
    Direction direction;
    uint32 quantityKw;
    uint32 priceMilliEurPerKw;
    ValidationVerdict verdict;
    uint32 finalQuantityKw;
    uint16 reasonCode;
    uint32 registrationIndex;
}

/// @notice The clearing round of a session.
/// @param round 0 for the first result, +1 for each corrected result after a void or lapse.
/// @param sealedAt When the round's result was sealed (0 until then): the challenge window runs from here.
/// @param sealingDeadline The round must be sealed before this time (round 0: the start of its first slot; a
/// corrected round: two hours after it reopened).
/// @param releasedAwards Voided awards released so far (their slots freed).
struct ClearingView {
    uint8 round;
    uint64 sealedAt;
    uint64 sealingDeadline;
    uint32 releasedAwards;
}

/// @title IFlexMarket
/// @notice Guarantees: offers and requests change only while their session is open (block time); awards are posted
/// only by the market operator after gate closure, each for an active offer of the session whose PoD is still
/// registered and qualified, within the offer and the request, with one award per PoD per slot and day; every award
/// gets exactly one validation from the DSO oracle; the session moves Scheduled -> Open -> GateClosed -> Clearing ->
/// Cleared -> Finalised, each recorded step with an event, and any call out of order reverts.
interface IFlexMarket is IDayAheadCalendar {
    /// @notice No session has this id.
    error FlexMarketUnknownSession(SessionId sessionId);
    /// @notice A session of this kind, day and real-time index exists already (`sessionId`).
    error FlexMarketSessionExists(SessionKind kind, uint32 day, uint8 realTimeIndex, SessionId sessionId);
    /// @notice Day-ahead needs index 0; real-time 0..5.
    error FlexMarketInvalidRealTimeIndex(SessionKind kind, uint8 realTimeIndex);
    /// @notice `dayStartTime` is not a local midnight of `day` in any time zone.
    error FlexMarketImplausibleDayStart(uint32 day, uint64 dayStartTime);
    /// @notice Needs now < gateClosureTime, openingTime < gateClosureTime <= start of the session's first slot.
    error FlexMarketInvalidSchedule(uint64 openingTime, uint64 gateClosureTime, uint64 firstSlotStartTime);
    /// @notice The call needs the session in `expected`; it is in `actual`.
    error FlexMarketUnexpectedStatus(SessionId sessionId, SessionStatus actual, SessionStatus expected);
    /// @notice The session's gate closed at `gateClosureTime`: offers and requests no longer change.
    error FlexMarketGateClosed(SessionId sessionId, uint64 gateClosureTime);
    /// @notice The session opens at `openingTime`.
    error FlexMarketNotOpenYet(SessionId sessionId, uint64 openingTime);
    /// @notice The slot is not one of the session's slots.
    error FlexMarketSlotOutsideSession(SessionId sessionId, uint8 slotIndex);
    /// @notice A DSO request needs at least one PoD.
    error FlexMarketEmptyPodSet();
    /// @notice A delta target must point the request's way (Down < 0 < Up).
    error FlexMarketInvalidTarget(TargetKind targetKind, Direction direction, int32 targetPowerKw);
    /// @notice No request has this id.
    error FlexMarketUnknownRequest(RequestId requestId);
    /// @notice The request was cancelled (`status`).
    error FlexMarketRequestNotActive(RequestId requestId, EntryStatus status);
    /// @notice No offer has this id.
    error FlexMarketUnknownOffer(OfferId offerId);
    /// @notice The offer was cancelled or replaced (`status`).
    error FlexMarketOfferNotActive(OfferId offerId, EntryStatus status);
    /// @notice `account` is not the PoD's aggregator (`aggregator`).
    error FlexMarketNotPodAggregator(PodId podId, address account, address aggregator);
    /// @notice The PoD (or the offer's registration of it) is not live.
    error FlexMarketPodNotRegistered(PodId podId);
    /// @notice The PoD's static traffic light is neither Confirmed nor Modulated.
    error FlexMarketPodNotQualified(PodId podId, QualificationStatus qualification);
    /// @notice Step `stepIndex` is invalid (zero quantity or a price below the previous one), or the curve has no
    /// step or too many (stepIndex = its length).
    error FlexMarketInvalidCurve(uint256 stepIndex);
    /// @notice More than the PoD's qualified flexibility in that direction.
    error FlexMarketAboveLimit(PodId podId, Direction direction, uint32 quantityKw, uint32 limitKw);
    /// @notice The window is outside the session or does not fit the offer kind.
    error FlexMarketInvalidOfferWindow(OfferKind kind, uint8 firstSlot, uint8 lastSlot, uint32 energyKwh);
    /// @notice Awards of one clearing must all carry the inputs hash recorded by the first call.
    error FlexMarketInputsHashMismatch(SessionId sessionId, bytes32 recorded, bytes32 given);
    /// @notice The offer belongs to another session.
    error FlexMarketOfferNotInSession(OfferId offerId, SessionId sessionId);
    /// @notice The request belongs to another session.
    error FlexMarketRequestNotInSession(RequestId requestId, SessionId sessionId);
    /// @notice The award's slot is not the request's or lies outside the offer's window.
    error FlexMarketAwardSlotMismatch(OfferId offerId, RequestId requestId, uint8 slotIndex);
    /// @notice Offer and request point different ways.
    error FlexMarketAwardDirectionMismatch(OfferId offerId, RequestId requestId);
    /// @notice An award must be positive and at most the offer's total.
    error FlexMarketAwardQuantityInvalid(OfferId offerId, uint32 quantityKw, uint32 offeredKw);
    /// @notice The price must lie between the offer's lowest step and the request's price cap.
    error FlexMarketAwardPriceOutOfRange(OfferId offerId, uint32 priceMilliEurPerKw, uint32 minPrice, uint32 maxPrice);
    /// @notice A TSO award's PoD is not mapped to the request's PoM.
    error FlexMarketAwardOutsidePom(PodId podId, PomId pom);
    /// @notice The PoD already holds an award in that slot of the day (mutual unavailability).
    error FlexMarketPodAlreadyAwarded(PodId podId, uint32 day, uint8 slotIndex);
    /// @notice A block offer's awards exceed its energy (kW·slots against kWh × 4).
    error FlexMarketBlockEnergyExceeded(OfferId offerId, uint256 awardedKwSlots, uint256 limitKwSlots);
    /// @notice The session has no award with this index (in its current round).
    error FlexMarketUnknownAward(SessionId sessionId, uint32 awardIndex);
    /// @notice The award has its validation already.
    error FlexMarketAwardAlreadyValidated(SessionId sessionId, uint32 awardIndex);
    /// @notice Ok and Ko carry no quantity; Partial needs 0 < reduced < awarded; Pending is not a verdict.
    error FlexMarketInvalidValidation(
        SessionId sessionId,
        uint32 awardIndex,
        ValidationVerdict verdict,
        uint32 reducedQuantityKw
    );
    /// @notice The result of the current round can no longer be sealed: `deadline` has passed.
    error FlexMarketSealingDeadlinePassed(SessionId sessionId, uint64 deadline);
    /// @notice The DSO oracle may still validate until `deadline` (two hours after sealing).
    error FlexMarketValidationDeadlineNotPassed(SessionId sessionId, uint64 deadline);
    /// @notice A clearing lapses only once its sealing deadline has passed.
    error FlexMarketSealingDeadlineNotPassed(SessionId sessionId, uint64 deadline);
    /// @notice Only the merit-order challenge (`challenge`) voids results.
    error FlexMarketNotChallenge(address caller, address challenge);
    /// @notice The challenge contract is set once and for all.
    error FlexMarketChallengeAlreadySet(address challenge);
    /// @notice A round reopens only once every voided award is released (`released` of `awardCount`).
    error FlexMarketAwardsNotReleased(SessionId sessionId, uint32 released, uint32 awardCount);
    /// @notice An award reaching into a dearer step of the offer's curve is priced below that step
    /// (`marginalPrice`).
    error FlexMarketAwardBelowMarginalPrice(
        OfferId offerId,
        uint32 quantityKw,
        uint32 priceMilliEurPerKw,
        uint32 marginalPrice
    );
    /// @notice A DSO award's PoD is not in the request's PoD set.
    error FlexMarketAwardPodNotInRequest(RequestId requestId, PodId podId);
    /// @notice A TSO award exceeds the dynamic traffic light's capability of its PoD's perimeter that way.
    error FlexMarketAwardAboveTrafficLight(
        PodId podId,
        uint8 slotIndex,
        Direction direction,
        uint32 quantityKw,
        uint32 capabilityKw
    );
    /// @notice The traffic-light contract is set once and for all.
    error FlexMarketTrafficLightAlreadySet(address trafficLight);
    /// @notice The PoD's aggregator no longer holds the AGGREGATOR role.
    error FlexMarketAggregatorRevoked(PodId podId, address aggregator);

    /// @notice A session was scheduled: its slots, opening and gate closure.
    event SessionCreated(
        SessionId indexed sessionId,
        SessionKind indexed kind,
        uint32 indexed day,
        uint8 realTimeIndex,
        uint8 firstSlot,
        uint8 slotCount,
        uint64 dayStartTime,
        uint64 openingTime,
        uint64 gateClosureTime
    );
    /// @notice The gate closure was recorded (by anyone, or by the first award posting).
    event SessionGateClosed(SessionId indexed sessionId, uint64 gateClosureTime);
    /// @notice The market operator started posting a clearing result computed from `inputsHash`.
    event ClearingStarted(SessionId indexed sessionId, bytes32 inputsHash);
    /// @notice The clearing result is complete: validations may start and the challenge window opens now.
    event ClearingSealed(SessionId indexed sessionId, bytes32 inputsHash, uint32 awardCount);
    /// @notice Every award is validated: the final outcome stands (subject to the challenge window).
    event SessionFinalised(SessionId indexed sessionId, uint32 awardCount);
    /// @notice The DSO oracle asked for flexibility from a PoD set (listed here; its hash is stored).
    event DsoRequestSubmitted(
        RequestId indexed requestId,
        SessionId indexed sessionId,
        uint8 indexed slotIndex,
        bytes32 podSetHash,
        PodId[] podIds,
        RequestInput input
    );
    /// @notice The TSO asked for flexibility on a PoM.
    event TsoRequestSubmitted(
        RequestId indexed requestId,
        SessionId indexed sessionId,
        PomId indexed pom,
        RequestInput input
    );
    /// @notice A request was withdrawn before gate closure.
    event RequestCancelled(RequestId indexed requestId, SessionId indexed sessionId);
    /// @notice The offer's fields (its aggregator is its PoD's, its curve hash keccak256(abi.encode(steps))). Flat
    /// rather than the OfferInput struct, so the indexed session and PoD are not logged twice.
    event OfferSubmitted(
        OfferId indexed offerId,
        SessionId indexed sessionId,
        PodId indexed podId,
        OfferKind kind,
        Direction direction,
        uint8 firstSlot,
        uint8 lastSlot,
        uint32 energyKwh,
        PriceStep[] steps
    );
    /// @notice An offer was withdrawn before gate closure.
    event OfferCancelled(OfferId indexed offerId, SessionId indexed sessionId, PodId indexed podId);
    /// @notice An offer was replaced by a new one of the same session.
    event OfferReplaced(OfferId indexed oldOfferId, OfferId indexed newOfferId, SessionId indexed sessionId);
    /// @notice One event per `postAwards` call: `awards[i]` is award `firstAwardIndex + i` of the session (its PoD is
    /// its offer's). One event for the batch rather than one per award: a log costs 375 gas plus 375 per topic, so
    /// the batch saves about a third of the posting's event gas.
    event AwardsPosted(SessionId indexed sessionId, uint32 firstAwardIndex, AwardInput[] awards);
    /// @notice The DSO oracle validated one award (its final quantity).
    event AwardValidated(
        SessionId indexed sessionId,
        PodId indexed podId,
        uint32 indexed awardIndex,
        ValidationVerdict verdict,
        uint32 finalQuantityKw,
        uint16 reasonCode
    );
    /// @notice The admin set the dynamic traffic light that bounds TSO awards.
    event TrafficLightSet(address trafficLight);
    /// @notice The admin set the merit-order challenge allowed to void results.
    event ChallengeSet(address challenge);
    /// @notice The merit-order challenge voided round `round`'s result of `awardCount` awards.
    event ResultVoided(SessionId indexed sessionId, uint8 round, uint32 awardCount);
    /// @notice Nobody sealed the clearing by its deadline: it has no result; its `awardCount` awards are released.
    event ClearingLapsed(SessionId indexed sessionId, uint32 awardCount);
    /// @notice The DSO oracle did not validate `pendingCount` awards in time: the session was finalised without them
    /// (their final quantity is 0).
    event ValidationLapsed(SessionId indexed sessionId, uint32 pendingCount);
    /// @notice The slots of voided awards [fromIndex, toIndex) were freed.
    event VoidedAwardsReleased(SessionId indexed sessionId, uint32 fromIndex, uint32 toIndex);
    /// @notice A corrected result may be posted as round `round` (session back to GateClosed).
    event ClearingReopened(SessionId indexed sessionId, uint8 round);

    /// @notice Sets the dynamic traffic light whose capabilities bound TSO awards (admin, once).
    /// @param trafficLight The DynamicTrafficLight.
    function setTrafficLight(address trafficLight) external;

    /// @notice The dynamic traffic light bounding TSO awards (zero until set: no bound).
    /// @return The DynamicTrafficLight.
    function trafficLightContract() external view returns (address);

    /// @notice Sets the merit-order challenge, the only account allowed to void results (admin, once).
    /// @param challenge The MeritOrderChallenge.
    function setChallenge(address challenge) external;

    /// @notice Finalises a sealed result the DSO oracle did not fully validate within two hours of sealing (anyone):
    /// the liveness fallback for a stalled oracle; unvalidated awards stay Pending and are paid nothing.
    /// @param sessionId The session (Cleared).
    function finaliseUnvalidated(SessionId sessionId) external;

    /// @notice Voids the current round's result (the merit-order challenge, after a proven violation; session
    /// Cleared or Finalised).
    /// @param sessionId The session.
    function voidResult(SessionId sessionId) external;

    /// @notice Ends a clearing that was not sealed by its deadline (anyone): the session has no result and its
    /// posted awards are to be released.
    /// @param sessionId The session (GateClosed or Clearing, past its sealing deadline).
    function lapseClearing(SessionId sessionId) external;

    /// @notice Frees the slots of up to `maxCount` more awards of a voided or lapsed result (anyone; in batches so
    /// any size fits a block).
    /// @param sessionId The session (Voided).
    /// @param maxCount Most awards to release in this call.
    function releaseVoidedAwards(SessionId sessionId, uint32 maxCount) external;

    /// @notice Opens the next clearing round for a corrected result once every voided award is released (market
    /// operator): the session returns to GateClosed with a sealing deadline two hours from now.
    /// @param sessionId The session (Voided).
    function reopenClearing(SessionId sessionId) external;

    /// @notice The merit-order challenge allowed to void results (zero until set).
    /// @return The challenge contract.
    function challengeContract() external view returns (address);

    /// @notice The session's clearing round, sealing time and deadline, and released awards.
    /// @param sessionId The session.
    /// @return The clearing round.
    function clearingOf(SessionId sessionId) external view returns (ClearingView memory);

    /// @notice Whether a PoD's current registration is in a DSO request's PoD set (the registrations live when the
    /// request was posted).
    /// @param requestId The request.
    /// @param podId The PoD.
    /// @return True for a member.
    function isDsoRequestPod(RequestId requestId, PodId podId) external view returns (bool);

    /// @notice Creates a session (market operator).
    /// @param kind DayAhead (realTimeIndex 0, slots 0..95) or RealTime (realTimeIndex 0..5, slots 16i..16i+15).
    /// @param day Market day (local date as days since 1970-01-01).
    /// @param realTimeIndex Real-time session number of the day; 0 for day-ahead.
    /// @param dayStartTime UTC start of slot 0 of the day (local midnight).
    /// @param openingTime From when offers and requests are accepted.
    /// @param gateClosureTime From when nothing of the session can change; at most the start of its first slot.
    /// A day-ahead session records it in the PodRegistry (which must have this market as its calendar).
    /// @return sessionId The new session.
    function createSession(
        SessionKind kind,
        uint32 day,
        uint8 realTimeIndex,
        uint64 dayStartTime,
        uint64 openingTime,
        uint64 gateClosureTime
    ) external returns (SessionId sessionId);

    /// @notice Records that the gate has closed (anyone, once, at or after gate closure). Posting awards records it too.
    /// @param sessionId The session.
    function closeGate(SessionId sessionId) external;

    /// @notice Posts a DSO request on a set of PoDs (DSO oracle, while the session is open).
    /// @param sessionId The session.
    /// @param podIds The PoDs (the set rides in the event; its hash is stored).
    /// @param input Slot, target, direction, price cap.
    /// @return requestId The new request.
    function submitDsoRequest(
        SessionId sessionId,
        PodId[] calldata podIds,
        RequestInput calldata input
    ) external returns (RequestId requestId);

    /// @notice Posts a TSO request on a PoM (TSO, while the session is open).
    /// @param sessionId The session.
    /// @param pom The PoM: the request is on the sum of the PoDs mapped to it.
    /// @param input Slot, target, direction, price cap.
    /// @return requestId The new request.
    function submitTsoRequest(
        SessionId sessionId,
        PomId pom,
        RequestInput calldata input
    ) external returns (RequestId requestId);

    /// @notice Withdraws a request before gate closure (DSO oracle for DSO requests, TSO for TSO requests).
    /// @param requestId The request.
    function cancelRequest(RequestId requestId) external;

    /// @notice Submits an offer for a PoD (its aggregator, while the session is open), within the PoD's
    /// qualified flexibility in the offer's direction.
    /// @param input The offer.
    /// @return offerId The new offer.
    function submitOffer(OfferInput calldata input) external returns (OfferId offerId);

    /// @notice Withdraws an offer before gate closure (the aggregator that submitted it).
    /// @param offerId The offer.
    function cancelOffer(OfferId offerId) external;

    /// @notice Replaces an offer by a new one of the same session, atomically, before gate closure.
    /// @param offerId The offer to replace.
    /// @param input The new offer.
    /// @return newOfferId The new offer.
    function replaceOffer(OfferId offerId, OfferInput calldata input) external returns (OfferId newOfferId);

    /// @notice Posts clearing awards (market operator, after gate closure); may be called several times until
    /// sealed, always with the same inputs hash. Each award is checked against its offer (curve: at least the
    /// marginal step's price), its request (slot, direction, price cap, DSO PoD set or TSO PoM) and its PoD (live,
    /// qualified, aggregator still holding AGGREGATOR, one award per slot and day).
    /// @param sessionId The session.
    /// @param inputsHash Hash of the session's clearing inputs (requests, offers, baselines, traffic lights).
    /// @param awards The awards.
    function postAwards(SessionId sessionId, bytes32 inputsHash, AwardInput[] calldata awards) external;

    /// @notice Closes the clearing result (market operator, before the round's sealing deadline): Clearing -> Cleared,
    /// or Finalised if no award. The challenge window opens now.
    /// @param sessionId The session.
    function sealClearing(SessionId sessionId) external;

    /// @notice Posts technical validations (DSO oracle, session Cleared); the last one finalises the session.
    /// @param sessionId The session.
    /// @param validations One per award, each award exactly once over all calls.
    function postValidations(SessionId sessionId, ValidationInput[] calldata validations) external;

    /// @notice The PodRegistry the market checks PoDs in.
    /// @return The registry.
    function podRegistry() external view returns (IPodRegistry);

    /// @notice Number of sessions created (ids 1..count).
    /// @return The count.
    function sessionCount() external view returns (uint256);

    /// @notice The session of (kind, day, realTimeIndex), or 0.
    /// @return The session id.
    function sessionIdOf(SessionKind kind, uint32 day, uint8 realTimeIndex) external view returns (SessionId);

    /// @notice A session with its current status.
    /// @param sessionId The session.
    /// @return The session.
    function session(SessionId sessionId) external view returns (SessionView memory);

    /// @notice A session's current status (None if unknown).
    /// @param sessionId The session.
    /// @return The status.
    function sessionStatus(SessionId sessionId) external view returns (SessionStatus);

    /// @notice A request.
    /// @param requestId The request.
    /// @return The request.
    function request(RequestId requestId) external view returns (RequestView memory);

    /// @notice An offer, with its curve hash.
    /// @param offerId The offer.
    /// @return The offer.
    function offer(OfferId offerId) external view returns (OfferView memory);

    /// @notice An offer's curve hash: keccak256(abi.encode(PriceStep[])).
    /// @param offerId The offer.
    /// @return The hash (zero for an unknown offer).
    function offerCurveHash(OfferId offerId) external view returns (bytes32);

    /// @notice Number of requests and offers so far.
    /// @return requests Request ids are 1..requests.
    /// @return offers Offer ids are 1..offers.
    function entryCounts() external view returns (uint256 requests, uint256 offers);

    /// @notice One award of a session with its validation.
    /// @param sessionId The session.
    /// @param awardIndex 0..awardCount-1.
    /// @return The award.
    function award(SessionId sessionId, uint32 awardIndex) external view returns (AwardView memory);

    /// @notice All awards of a session with their validations (the final outcome once Finalised).
    /// @param sessionId The session.
    /// @return The awards in posting order.
    function awardsOf(SessionId sessionId) external view returns (AwardView[] memory);

    /// @notice The awards of a session for one aggregator (the participant's final outcome once Finalised).
    /// @param sessionId The session.
    /// @param aggregator The aggregator.
    /// @return Its awards in posting order.
    function awardsOfAggregator(SessionId sessionId, address aggregator) external view returns (AwardView[] memory);

    /// @notice Bitmap of the slots of `day` in which a PoD holds a (not KO) award: bit i = slot i.
    /// @param podId The PoD.
    /// @param day The market day.
    /// @return The bitmap.
    function awardedSlotsOf(PodId podId, uint32 day) external view returns (uint256);
}
