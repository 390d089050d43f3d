// SPDX-License-Identifier: Apache-2.0
// The local flexibility market: sessions with gate closure by block time, DSO/TSO requests, aggregators' offers,
// the market operator's clearing result and the DSO oracle's technical validation (final outcome).
pragma solidity 0.8.28;

// The market core keeps 18 state variables (sessions, books, clearing rounds and the one-time wiring of its
// registries) where solhint allows 15: splitting them across contracts would add an external call to every offer
// and award, whose gas goals are within a few thousand gas. Reviewed in Market Platform v2 (issue 16).
// solhint-disable max-states-count

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {RoleGuarded} from "../access/RoleGuarded.sol";
import {Roles} from "../libraries/Roles.sol";
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
import {SlotTime} from "../libraries/SlotTime.sol";
import {OfferCurve, PriceStep} from "../libraries/OfferCurve.sol";
import {PodSet} from "../libraries/PodSet.sol";
import {AwardPacking} from "../libraries/AwardPacking.sol";
import {EntryPacking, OfferCore, RequestCore} from "../libraries/EntryPacking.sol";
import {IPodRegistry, PodFlexibility, PodStatus, QualificationStatus} from "../interfaces/IPodRegistry.sol";
import {IDayAheadCalendar} from "../interfaces/IDayAheadCalendar.sol";
import {IDynamicTrafficLight} from "../interfaces/IDynamicTrafficLight.sol";
import {
    IFlexMarket,
    SessionStatus,
    RequestKind,
    TargetKind,
    OfferKind,
    EntryStatus,
    RequestInput,
    OfferInput,
    AwardInput,
    ValidationInput,
    SessionView,
    RequestView,
    OfferView,
    AwardView,
    ClearingView
} from "../interfaces/IFlexMarket.sol";

/// @title FlexMarket
/// @notice See IFlexMarket for the guarantees. Curves and PoD sets ride in events; only their hashes are stored.
contract FlexMarket is RoleGuarded, IFlexMarket {
    using SafeCast for uint256;

    /// @dev One slot. `phase` holds Scheduled until the gate closure is recorded; Open/GateClosed come from time.
    struct Session {
        SessionKind kind;
        uint8 realTimeIndex;
        uint32 day;
        uint8 firstSlot;
        uint8 slotCount;
        uint40 dayStartTime;
        uint40 openingTime;
        uint40 gateClosureTime;
        SessionStatus phase;
        uint32 awardCount;
        uint32 pendingValidations;
    }

    /// @dev The clearing round of a session (a second slot: the first is full). Round 0 is the first result; a
    /// voided or lapsed result is released award by award, then the market operator reopens the next round.
    struct Clearing {
        uint40 sealedAt;
        uint40 sealingDeadline;
        uint8 round;
        uint32 releasedAwards;
    }

    /// @dev Working copies of one award and its offer and request, reused across a `postAwards` batch.
    struct AwardScratch {
        AwardInput award;
        OfferCore offer;
        RequestCore request;
    }

    /// @dev Lines of the registration cache of one `postAwards` call (index 0 is no registration: lines start empty).
    uint256 private constant REGISTRATION_CACHE_SIZE = 32;
    /// @dev A corrected result must be sealed within this time of its round's reopening.
    uint256 private constant CORRECTION_SEALING_SECONDS = 2 hours;
    /// @dev The DSO oracle validates within this time of sealing; after it anyone may finalise without it.
    uint256 private constant VALIDATION_SECONDS = 2 hours;
    /// @dev Awards and validations of round r live from word r << ROUND_SHIFT on, so a new round starts empty.
    uint256 private constant ROUND_SHIFT = 64;
    /// @dev Price steps packed per storage word (quantity 32 bits | price 32 bits each).
    uint256 private constant STEPS_PER_WORD = 4;

    IPodRegistry private immutable _podRegistry;
    address private _challenge;
    IDynamicTrafficLight private _trafficLight;

    uint256 private _sessionCount;
    uint256 private _requestCount;
    uint256 private _offerCount;
    mapping(SessionId sessionId => Session) private _sessions;
    mapping(SessionId sessionId => bytes32 inputsHash) private _inputsHashes;
    mapping(SessionKind kind => mapping(uint32 day => mapping(uint8 realTimeIndex => SessionId))) private _sessionIds;
    mapping(RequestId requestId => uint256 packedRequest) private _requests;
    mapping(RequestId requestId => bytes32 target) private _requestTargets;
    mapping(OfferId offerId => uint256 packedOffer) private _offers;
    /// @dev Only for curves of two or more steps, four steps a word (a one-step curve is implied by the offer's
    /// quantity and price): the award checks its marginal step's price, the hash is rebuilt from them.
    mapping(OfferId offerId => mapping(uint256 word => uint256 packedSteps)) private _storedCurves;
    /// @dev Keyed by offer id | round << 32, so a corrected result books block energy afresh.
    mapping(uint256 offerRoundKey => uint256 awardedKwSlots) private _blockAwardedKwSlots;
    mapping(SessionId sessionId => Clearing) private _clearings;
    /// @dev A DSO request's PoD set as a bitmap over registration indices (bit i of word w = index 256 w + i): the
    /// registrations live when the request was posted. An award reads one word per request and 256 indices, so the
    /// check costs a cold read per request rather than per award.
    mapping(RequestId requestId => mapping(uint256 word => uint256 bits)) private _dsoRequestMembers;
    mapping(SessionId sessionId => mapping(uint256 word => uint256 twoPackedAwards)) private _awards;
    mapping(SessionId sessionId => mapping(uint256 word => uint256 packedValidations)) private _validations;
    mapping(PodId podId => mapping(uint32 day => uint256 slotBitmap)) private _awardedSlots;

    /// @param roleRegistry_ The platform's RoleRegistry.
    /// @param podRegistry_ The PodRegistry.
    constructor(address roleRegistry_, IPodRegistry podRegistry_) RoleGuarded(roleRegistry_) {
        _requireNonZero(address(podRegistry_));
        _podRegistry = podRegistry_;
    }

    /// @inheritdoc IFlexMarket
    function setTrafficLight(address trafficLight_) external onlyRole(Roles.ADMIN) {
        _requireNonZero(trafficLight_);
        if (address(_trafficLight) != address(0)) revert FlexMarketTrafficLightAlreadySet(address(_trafficLight));
        _trafficLight = IDynamicTrafficLight(trafficLight_);
        emit TrafficLightSet(trafficLight_);
    }

    /// @inheritdoc IFlexMarket
    function setChallenge(address challenge_) external onlyRole(Roles.ADMIN) {
        _requireNonZero(challenge_);
        if (_challenge != address(0)) revert FlexMarketChallengeAlreadySet(_challenge);
        _challenge = challenge_;
        emit ChallengeSet(challenge_);
    }

    // ------------------------------------------------------------------ sessions

    /// @inheritdoc IFlexMarket
    function createSession(
        SessionKind kind,
        uint32 day,
        uint8 realTimeIndex,
        uint64 dayStartTime,
        uint64 openingTime,
        uint64 gateClosureTime
    ) external onlyRole(Roles.MARKET_OPERATOR) returns (SessionId sessionId) {
        (uint8 firstSlot, uint8 slotCount) = _checkSchedule(
            kind,
            day,
            realTimeIndex,
            dayStartTime,
            openingTime,
            gateClosureTime
        );
        sessionId = SessionId.wrap((++_sessionCount).toUint32()); // stored as uint32 in requests and offers
        Session storage s = _sessions[sessionId];
        (s.kind, s.realTimeIndex, s.day, s.firstSlot, s.slotCount) = (kind, realTimeIndex, day, firstSlot, slotCount);
        (s.dayStartTime, s.openingTime, s.gateClosureTime) = (
            uint256(dayStartTime).toUint40(),
            uint256(openingTime).toUint40(),
            uint256(gateClosureTime).toUint40()
        );
        s.phase = SessionStatus.Scheduled;
        _sessionIds[kind][day][realTimeIndex] = sessionId;
        _clearings[sessionId].sealingDeadline = uint40(SlotTime.slotStart(dayStartTime, firstSlot));
        _emitSessionCreated(sessionId, s);
        // Baselines of the day freeze at the earliest gate closure of its sessions (any kind); the registry keeps
        // it so a baseline needs no call here.
        _podRegistry.recordDayAheadGateClosure(day, gateClosureTime);
    }

    /// @inheritdoc IFlexMarket
    function closeGate(SessionId sessionId) external {
        Session storage s = _existingSession(sessionId);
        SessionStatus status = _status(s);
        if (s.phase != SessionStatus.Scheduled || status != SessionStatus.GateClosed) {
            revert FlexMarketUnexpectedStatus(sessionId, status, SessionStatus.GateClosed);
        }
        _recordGateClosed(sessionId, s);
    }

    // ------------------------------------------------------------------ requests

    /// @inheritdoc IFlexMarket
    function submitDsoRequest(
        SessionId sessionId,
        PodId[] calldata podIds,
        RequestInput calldata input
    ) external onlyRole(Roles.DSO_ORACLE) returns (RequestId requestId) {
        if (podIds.length == 0) revert FlexMarketEmptyPodSet();
        bytes32 podSetHash = PodSet.hash(podIds);
        requestId = _storeRequest(sessionId, RequestKind.Dso, podSetHash, input);
        mapping(uint256 word => uint256 bits) storage members = _dsoRequestMembers[requestId];
        for (uint256 i = 0; i < podIds.length; ++i) {
            // A PoD not registered now cannot be served by this request (a later registration gets a new index).
            PodFlexibility memory f = _podRegistry.flexibilityOf(podIds[i]);
            if (f.status == PodStatus.Registered) members[f.index >> 8] |= uint256(1) << (f.index & 0xff);
        }
        emit DsoRequestSubmitted(requestId, sessionId, input.slotIndex, podSetHash, podIds, input);
    }

    /// @inheritdoc IFlexMarket
    function submitTsoRequest(
        SessionId sessionId,
        PomId pom,
        RequestInput calldata input
    ) external onlyRole(Roles.TSO) returns (RequestId requestId) {
        requestId = _storeRequest(sessionId, RequestKind.Tso, PomId.unwrap(pom), input);
        emit TsoRequestSubmitted(requestId, sessionId, pom, input);
    }

    /// @inheritdoc IFlexMarket
    function cancelRequest(RequestId requestId) external {
        uint256 word = _requests[requestId];
        RequestCore memory r = EntryPacking.unpackRequest(word);
        if (r.sessionId == 0) revert FlexMarketUnknownRequest(requestId);
        _checkRole(r.kind == RequestKind.Dso ? Roles.DSO_ORACLE : Roles.TSO, msg.sender);
        if (r.status != EntryStatus.Active) revert FlexMarketRequestNotActive(requestId, r.status);
        SessionId sessionId = SessionId.wrap(r.sessionId);
        _requireOpen(sessionId);
        _requests[requestId] = EntryPacking.withRequestStatus(word, EntryStatus.Cancelled);
        emit RequestCancelled(requestId, sessionId);
    }

    // ------------------------------------------------------------------ offers

    /// @inheritdoc IFlexMarket
    function submitOffer(OfferInput calldata input) external onlyRole(Roles.AGGREGATOR) returns (OfferId offerId) {
        return _submitOffer(input);
    }

    /// @inheritdoc IFlexMarket
    function cancelOffer(OfferId offerId) external onlyRole(Roles.AGGREGATOR) {
        (SessionId sessionId, PodId podId) = _withdrawOffer(offerId, EntryStatus.Cancelled);
        emit OfferCancelled(offerId, sessionId, podId);
    }

    /// @inheritdoc IFlexMarket
    function replaceOffer(
        OfferId offerId,
        OfferInput calldata input
    ) external onlyRole(Roles.AGGREGATOR) returns (OfferId newOfferId) {
        (SessionId sessionId, ) = _withdrawOffer(offerId, EntryStatus.Replaced);
        if (SessionId.unwrap(input.sessionId) != SessionId.unwrap(sessionId)) {
            revert FlexMarketOfferNotInSession(offerId, input.sessionId);
        }
        newOfferId = _submitOffer(input);
        emit OfferReplaced(offerId, newOfferId, sessionId);
    }

    // ------------------------------------------------------------------ clearing and validation

    /// @inheritdoc IFlexMarket
    function postAwards(
        SessionId sessionId,
        bytes32 inputsHash,
        AwardInput[] calldata awards
    ) external onlyRole(Roles.MARKET_OPERATOR) whenNotPaused {
        Session storage s = _existingSession(sessionId);
        _enterClearing(sessionId, s, inputsHash);
        uint32 first = s.awardCount;
        s.awardCount = (first + awards.length).toUint32();
        _storeAwards(sessionId, s.day, first, awards);
        emit AwardsPosted(sessionId, first, awards);
    }

    /// @inheritdoc IFlexMarket
    function sealClearing(SessionId sessionId) external onlyRole(Roles.MARKET_OPERATOR) whenNotPaused {
        Session storage s = _existingSession(sessionId);
        _requirePhase(sessionId, s, SessionStatus.Clearing);
        Clearing storage c = _clearings[sessionId];
        uint64 deadline = c.sealingDeadline;
        if (block.timestamp >= deadline) revert FlexMarketSealingDeadlinePassed(sessionId, deadline);
        c.sealedAt = uint40(block.timestamp);
        uint32 awardCount = s.awardCount;
        s.phase = SessionStatus.Cleared;
        s.pendingValidations = awardCount;
        emit ClearingSealed(sessionId, _inputsHashes[sessionId], awardCount);
        if (awardCount == 0) _finalise(sessionId, s);
    }

    /// @inheritdoc IFlexMarket
    function finaliseUnvalidated(SessionId sessionId) external {
        Session storage s = _existingSession(sessionId);
        _requirePhase(sessionId, s, SessionStatus.Cleared);
        uint64 deadline = uint64(_clearings[sessionId].sealedAt + VALIDATION_SECONDS);
        if (block.timestamp < deadline) revert FlexMarketValidationDeadlineNotPassed(sessionId, deadline);
        // Unvalidated awards keep verdict Pending: final quantity 0, nothing to pay.
        emit ValidationLapsed(sessionId, s.pendingValidations);
        s.pendingValidations = 0;
        _finalise(sessionId, s);
    }

    /// @inheritdoc IFlexMarket
    function voidResult(SessionId sessionId) external {
        if (msg.sender != _challenge) revert FlexMarketNotChallenge(msg.sender, _challenge);
        Session storage s = _existingSession(sessionId);
        SessionStatus status = s.phase;
        if (status != SessionStatus.Cleared && status != SessionStatus.Finalised) {
            revert FlexMarketUnexpectedStatus(sessionId, status, SessionStatus.Cleared);
        }
        s.phase = SessionStatus.Voided;
        emit ResultVoided(sessionId, _clearings[sessionId].round, s.awardCount);
    }

    /// @inheritdoc IFlexMarket
    function lapseClearing(SessionId sessionId) external {
        Session storage s = _existingSession(sessionId);
        SessionStatus status = _status(s);
        if (status != SessionStatus.GateClosed && status != SessionStatus.Clearing) {
            revert FlexMarketUnexpectedStatus(sessionId, status, SessionStatus.Clearing);
        }
        uint64 deadline = _clearings[sessionId].sealingDeadline;
        if (block.timestamp < deadline) revert FlexMarketSealingDeadlineNotPassed(sessionId, deadline);
        s.phase = SessionStatus.Voided;
        emit ClearingLapsed(sessionId, s.awardCount);
    }

    /// @inheritdoc IFlexMarket
    function releaseVoidedAwards(SessionId sessionId, uint32 maxCount) external {
        Session storage s = _existingSession(sessionId);
        if (s.phase != SessionStatus.Voided) {
            revert FlexMarketUnexpectedStatus(sessionId, s.phase, SessionStatus.Voided);
        }
        Clearing storage c = _clearings[sessionId];
        uint32 from = c.releasedAwards;
        uint32 to = s.awardCount;
        if (to - from > maxCount) to = from + maxCount;
        for (uint32 i = from; i < to; ++i) _releaseAward(sessionId, s.day, c.round, i);
        c.releasedAwards = to;
        emit VoidedAwardsReleased(sessionId, from, to);
    }

    /// @inheritdoc IFlexMarket
    function reopenClearing(SessionId sessionId) external onlyRole(Roles.MARKET_OPERATOR) whenNotPaused {
        Session storage s = _existingSession(sessionId);
        if (s.phase != SessionStatus.Voided) {
            revert FlexMarketUnexpectedStatus(sessionId, s.phase, SessionStatus.Voided);
        }
        Clearing storage c = _clearings[sessionId];
        if (c.releasedAwards != s.awardCount) {
            revert FlexMarketAwardsNotReleased(sessionId, c.releasedAwards, s.awardCount);
        }
        uint8 round = c.round + 1;
        (c.round, c.releasedAwards, c.sealedAt) = (round, 0, 0);
        c.sealingDeadline = uint40(block.timestamp + CORRECTION_SEALING_SECONDS);
        (s.awardCount, s.pendingValidations, s.phase) = (0, 0, SessionStatus.GateClosed);
        emit ClearingReopened(sessionId, round);
    }

    /// @inheritdoc IFlexMarket
    function postValidations(
        SessionId sessionId,
        ValidationInput[] calldata validations
    ) external onlyRole(Roles.DSO_ORACLE) whenNotPaused {
        Session storage s = _existingSession(sessionId);
        _requirePhase(sessionId, s, SessionStatus.Cleared);
        uint32 awardCount = s.awardCount;
        uint256 roundBase = _roundBase(sessionId);
        for (uint256 i = 0; i < validations.length; ++i) {
            _validate(sessionId, s.day, awardCount, roundBase, validations[i]);
        }
        uint32 pending = s.pendingValidations - uint32(validations.length);
        s.pendingValidations = pending;
        if (pending == 0) _finalise(sessionId, s);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IFlexMarket
    function podRegistry() external view returns (IPodRegistry) {
        return _podRegistry;
    }

    /// @inheritdoc IDayAheadCalendar
    function dayAheadGateClosure(uint32 day) external view returns (uint64) {
        return _sessions[_sessionIds[SessionKind.DayAhead][day][0]].gateClosureTime;
    }

    /// @inheritdoc IFlexMarket
    function trafficLightContract() external view returns (address) {
        return address(_trafficLight);
    }

    /// @inheritdoc IFlexMarket
    function challengeContract() external view returns (address) {
        return _challenge;
    }

    /// @inheritdoc IFlexMarket
    function clearingOf(SessionId sessionId) external view returns (ClearingView memory) {
        _existingSession(sessionId);
        Clearing storage c = _clearings[sessionId];
        return ClearingView(c.round, c.sealedAt, c.sealingDeadline, c.releasedAwards);
    }

    /// @inheritdoc IFlexMarket
    function isDsoRequestPod(RequestId requestId, PodId podId) external view returns (bool) {
        return _isDsoRequestMember(requestId, _podRegistry.flexibilityOf(podId).index);
    }

    function _isDsoRequestMember(RequestId requestId, uint32 registrationIndex) private view returns (bool) {
        return (_dsoRequestMembers[requestId][registrationIndex >> 8] >> (registrationIndex & 0xff)) & 1 == 1;
    }

    /// @inheritdoc IFlexMarket
    function sessionCount() external view returns (uint256) {
        return _sessionCount;
    }

    /// @inheritdoc IFlexMarket
    function sessionIdOf(SessionKind kind, uint32 day, uint8 realTimeIndex) external view returns (SessionId) {
        return _sessionIds[kind][day][realTimeIndex];
    }

    /// @inheritdoc IFlexMarket
    function session(SessionId sessionId) external view returns (SessionView memory) {
        Session storage s = _existingSession(sessionId);
        return
            SessionView({
                sessionId: sessionId,
                kind: s.kind,
                realTimeIndex: s.realTimeIndex,
                day: s.day,
                firstSlot: s.firstSlot,
                slotCount: s.slotCount,
                dayStartTime: s.dayStartTime,
                openingTime: s.openingTime,
                gateClosureTime: s.gateClosureTime,
                status: _status(s),
                awardCount: s.awardCount,
                pendingValidations: s.pendingValidations,
                inputsHash: _inputsHashes[sessionId]
            });
    }

    /// @inheritdoc IFlexMarket
    function sessionStatus(SessionId sessionId) external view returns (SessionStatus) {
        return _status(_sessions[sessionId]);
    }

    /// @inheritdoc IFlexMarket
    function request(RequestId requestId) external view returns (RequestView memory) {
        RequestCore memory c = EntryPacking.unpackRequest(_requests[requestId]);
        if (c.sessionId == 0) revert FlexMarketUnknownRequest(requestId);
        return
            RequestView(
                requestId,
                SessionId.wrap(c.sessionId),
                c.kind,
                c.status,
                _requestTargets[requestId],
                RequestInput(c.slotIndex, c.targetKind, c.direction, c.targetPowerKw, c.maxPriceMilliEurPerKw)
            );
    }

    /// @inheritdoc IFlexMarket
    function offer(OfferId offerId) external view returns (OfferView memory) {
        OfferCore memory c = EntryPacking.unpackOffer(_offers[offerId]);
        if (c.sessionId == 0) revert FlexMarketUnknownOffer(offerId);
        return
            OfferView({
                offerId: offerId,
                sessionId: SessionId.wrap(c.sessionId),
                podId: _podRegistry.flexibilityAt(c.registrationIndex).podId,
                registrationIndex: c.registrationIndex,
                kind: c.kind,
                direction: c.direction,
                status: c.status,
                firstSlot: c.firstSlot,
                lastSlot: c.lastSlot,
                maxQuantityKw: c.maxQuantityKw,
                energyKwh: c.energyKwh,
                minPriceMilliEurPerKw: c.minPriceMilliEurPerKw,
                curveHash: _curveHash(offerId, c)
            });
    }

    /// @inheritdoc IFlexMarket
    function offerCurveHash(OfferId offerId) external view returns (bytes32) {
        OfferCore memory c = EntryPacking.unpackOffer(_offers[offerId]);
        return c.sessionId == 0 ? bytes32(0) : _curveHash(offerId, c);
    }

    /// @inheritdoc IFlexMarket
    function entryCounts() external view returns (uint256 requests, uint256 offers) {
        return (_requestCount, _offerCount);
    }

    /// @inheritdoc IFlexMarket
    function award(SessionId sessionId, uint32 awardIndex) external view returns (AwardView memory) {
        if (awardIndex >= _sessions[sessionId].awardCount) revert FlexMarketUnknownAward(sessionId, awardIndex);
        return _awardView(sessionId, _roundBase(sessionId), awardIndex);
    }

    /// @inheritdoc IFlexMarket
    function awardsOf(SessionId sessionId) external view returns (AwardView[] memory views) {
        uint32 n = _sessions[sessionId].awardCount;
        views = new AwardView[](n);
        uint256 roundBase = _roundBase(sessionId);
        for (uint32 i = 0; i < n; ++i) views[i] = _awardView(sessionId, roundBase, i);
    }

    /// @inheritdoc IFlexMarket
    function awardsOfAggregator(
        SessionId sessionId,
        address aggregator
    ) external view returns (AwardView[] memory views) {
        uint32 n = _sessions[sessionId].awardCount;
        views = new AwardView[](n);
        uint256 found;
        uint256 roundBase = _roundBase(sessionId);
        for (uint32 i = 0; i < n; ++i) {
            AwardView memory v = _awardView(sessionId, roundBase, i);
            if (v.aggregator == aggregator) views[found++] = v;
        }
        // Shrink the array to the matches: safe, `found` <= the allocated length.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(views, found)
        }
    }

    /// @inheritdoc IFlexMarket
    function awardedSlotsOf(PodId podId, uint32 day) external view returns (uint256) {
        return _awardedSlots[podId][day];
    }

    // ------------------------------------------------------------------ internals: sessions

    /// @dev A new (kind, day, index), a plausible day start, and now < gate closure, opening < gate closure <= delivery.
    function _checkSchedule(
        SessionKind kind,
        uint32 day,
        uint8 realTimeIndex,
        uint64 dayStartTime,
        uint64 openingTime,
        uint64 gateClosureTime
    ) private view returns (uint8 firstSlot, uint8 slotCount) {
        bool valid;
        (firstSlot, slotCount, valid) = SlotTime.sessionSlots(kind, realTimeIndex);
        if (!valid) revert FlexMarketInvalidRealTimeIndex(kind, realTimeIndex);
        SessionId existing = _sessionIds[kind][day][realTimeIndex];
        if (SessionId.unwrap(existing) != 0) revert FlexMarketSessionExists(kind, day, realTimeIndex, existing);
        if (!SlotTime.isPlausibleDayStart(day, dayStartTime)) revert FlexMarketImplausibleDayStart(day, dayStartTime);
        uint64 firstSlotStartTime = SlotTime.slotStart(dayStartTime, firstSlot);
        if (
            openingTime >= gateClosureTime || gateClosureTime > firstSlotStartTime || gateClosureTime <= block.timestamp
        ) revert FlexMarketInvalidSchedule(openingTime, gateClosureTime, firstSlotStartTime);
    }

    function _emitSessionCreated(SessionId sessionId, Session storage s) private {
        emit SessionCreated(
            sessionId,
            s.kind,
            s.day,
            s.realTimeIndex,
            s.firstSlot,
            s.slotCount,
            s.dayStartTime,
            s.openingTime,
            s.gateClosureTime
        );
    }

    function _existingSession(SessionId sessionId) private view returns (Session storage s) {
        s = _sessions[sessionId];
        if (s.phase == SessionStatus.None) revert FlexMarketUnknownSession(sessionId);
    }

    function _status(Session storage s) private view returns (SessionStatus) {
        SessionStatus phase = s.phase;
        if (phase != SessionStatus.Scheduled) return phase;
        if (block.timestamp < s.openingTime) return SessionStatus.Scheduled;
        if (block.timestamp < s.gateClosureTime) return SessionStatus.Open;
        return SessionStatus.GateClosed;
    }

    /// @dev The session must be open now: opened and before its gate closure.
    function _requireOpen(SessionId sessionId) private view returns (Session storage s) {
        s = _existingSession(sessionId);
        if (s.phase == SessionStatus.Scheduled && block.timestamp >= s.openingTime) {
            if (block.timestamp < s.gateClosureTime) return s;
        }
        if (block.timestamp < s.openingTime) revert FlexMarketNotOpenYet(sessionId, s.openingTime);
        revert FlexMarketGateClosed(sessionId, s.gateClosureTime);
    }

    function _requirePhase(SessionId sessionId, Session storage s, SessionStatus expected) private view {
        SessionStatus actual = _status(s);
        if (actual != expected) revert FlexMarketUnexpectedStatus(sessionId, actual, expected);
    }

    function _recordGateClosed(SessionId sessionId, Session storage s) private {
        s.phase = SessionStatus.GateClosed;
        emit SessionGateClosed(sessionId, s.gateClosureTime);
    }

    /// @dev GateClosed (recorded or by time) -> Clearing with the inputs hash; Clearing stays with the same hash.
    function _enterClearing(SessionId sessionId, Session storage s, bytes32 inputsHash) private {
        SessionStatus status = _status(s);
        if (status == SessionStatus.Clearing) {
            bytes32 recorded = _inputsHashes[sessionId];
            if (recorded != inputsHash) revert FlexMarketInputsHashMismatch(sessionId, recorded, inputsHash);
            return;
        }
        if (status != SessionStatus.GateClosed) {
            revert FlexMarketUnexpectedStatus(sessionId, status, SessionStatus.Clearing);
        }
        if (s.phase == SessionStatus.Scheduled) _recordGateClosed(sessionId, s);
        s.phase = SessionStatus.Clearing;
        _inputsHashes[sessionId] = inputsHash;
        emit ClearingStarted(sessionId, inputsHash);
    }

    function _finalise(SessionId sessionId, Session storage s) private {
        s.phase = SessionStatus.Finalised;
        emit SessionFinalised(sessionId, s.awardCount);
    }

    // ------------------------------------------------------------------ internals: requests and offers

    function _storeRequest(
        SessionId sessionId,
        RequestKind kind,
        bytes32 target,
        RequestInput calldata input
    ) private returns (RequestId requestId) {
        Session storage s = _requireOpen(sessionId);
        if (!SlotTime.contains(s.firstSlot, s.slotCount, input.slotIndex)) {
            revert FlexMarketSlotOutsideSession(sessionId, input.slotIndex);
        }
        if (!_isValidTarget(input))
            revert FlexMarketInvalidTarget(input.targetKind, input.direction, input.targetPowerKw);
        // Ids are packed as uint32 into awards: refuse the 2^32-th rather than wrap.
        requestId = RequestId.wrap((++_requestCount).toUint32());
        _requests[requestId] = EntryPacking.packRequest(
            RequestCore({
                sessionId: uint32(SessionId.unwrap(sessionId)),
                kind: kind,
                status: EntryStatus.Active,
                slotIndex: input.slotIndex,
                targetKind: input.targetKind,
                direction: input.direction,
                targetPowerKw: input.targetPowerKw,
                maxPriceMilliEurPerKw: input.maxPriceMilliEurPerKw
            })
        );
        _requestTargets[requestId] = target;
    }

    /// @dev A delta must point the request's way (Down < 0 < Up); an absolute target is any power.
    function _isValidTarget(RequestInput calldata input) private pure returns (bool) {
        if (input.targetKind == TargetKind.Absolute) return true;
        return input.direction == Direction.Up ? input.targetPowerKw > 0 : input.targetPowerKw < 0;
    }

    function _submitOffer(OfferInput calldata input) private returns (OfferId offerId) {
        Session storage s = _requireOpen(input.sessionId);
        _checkOfferWindow(input, s.firstSlot, s.slotCount);
        (uint32 totalKw, uint32 minPrice, uint256 badStep) = OfferCurve.summarise(input.steps);
        if (badStep != type(uint256).max) revert FlexMarketInvalidCurve(badStep);
        PodFlexibility memory f = _podRegistry.flexibilityOf(input.podId);
        if (f.aggregator != msg.sender) revert FlexMarketNotPodAggregator(input.podId, msg.sender, f.aggregator);
        _checkQualifiedFor(f, input.direction, totalKw);

        offerId = OfferId.wrap((++_offerCount).toUint32());
        uint8 stepCount = uint8(input.steps.length); // at most OfferCurve.MAX_STEPS, checked by summarise
        _offers[offerId] = EntryPacking.packOffer(
            OfferCore({
                sessionId: uint32(SessionId.unwrap(input.sessionId)),
                registrationIndex: f.index,
                kind: input.kind,
                direction: input.direction,
                status: EntryStatus.Active,
                firstSlot: input.firstSlot,
                lastSlot: input.lastSlot,
                stepCount: stepCount,
                maxQuantityKw: totalKw,
                energyKwh: input.energyKwh,
                minPriceMilliEurPerKw: minPrice
            })
        );
        if (stepCount > 1) _storeCurve(offerId, input.steps);
        _emitOfferSubmitted(offerId, input);
    }

    /// @dev Four steps a word: a curve of 2..4 steps costs one word, as its hash did.
    function _storeCurve(OfferId offerId, PriceStep[] calldata steps) private {
        mapping(uint256 word => uint256 packedSteps) storage words = _storedCurves[offerId];
        uint256 packed;
        for (uint256 i = 0; i < steps.length; ++i) {
            uint256 step = (uint256(steps[i].quantityKw) << 32) | steps[i].priceMilliEurPerKw;
            packed |= step << (64 * (i % STEPS_PER_WORD));
            if (i % STEPS_PER_WORD == STEPS_PER_WORD - 1 || i + 1 == steps.length) {
                words[i / STEPS_PER_WORD] = packed;
                packed = 0;
            }
        }
    }

    /// @dev The stored curve of an offer of `stepCount` >= 2 steps.
    function _loadCurve(OfferId offerId, uint8 stepCount) private view returns (PriceStep[] memory steps) {
        mapping(uint256 word => uint256 packedSteps) storage words = _storedCurves[offerId];
        steps = new PriceStep[](stepCount);
        uint256 packed;
        for (uint256 i = 0; i < stepCount; ++i) {
            if (i % STEPS_PER_WORD == 0) packed = words[i / STEPS_PER_WORD];
            uint256 step = packed >> (64 * (i % STEPS_PER_WORD));
            steps[i] = PriceStep(uint32(step >> 32), uint32(step));
        }
    }

    /// @dev Its own function so `_submitOffer` stays within the stack in builds without the IR pipeline (coverage).
    function _emitOfferSubmitted(OfferId offerId, OfferInput calldata input) private {
        emit OfferSubmitted(
            offerId,
            input.sessionId,
            input.podId,
            input.kind,
            input.direction,
            input.firstSlot,
            input.lastSlot,
            input.energyKwh,
            input.steps
        );
    }

    /// @dev Single slot: one slot, no energy. Block: a window inside the session and a positive energy.
    function _checkOfferWindow(OfferInput calldata input, uint8 firstSlot, uint8 slotCount) private pure {
        bool inSession =
            SlotTime.contains(firstSlot, slotCount, input.firstSlot) &&
                SlotTime.contains(firstSlot, slotCount, input.lastSlot);
        bool valid =
            input.kind == OfferKind.SingleSlot
                ? input.firstSlot == input.lastSlot && input.energyKwh == 0
                : input.firstSlot <= input.lastSlot && input.energyKwh > 0;
        if (!inSession || !valid) {
            revert FlexMarketInvalidOfferWindow(input.kind, input.firstSlot, input.lastSlot, input.energyKwh);
        }
    }

    /// @dev The registration is live, qualified (static traffic light green or yellow) and admits `quantityKw`.
    function _checkQualifiedFor(PodFlexibility memory f, Direction direction, uint32 quantityKw) private pure {
        if (f.status != PodStatus.Registered) revert FlexMarketPodNotRegistered(f.podId);
        if (f.qualification != QualificationStatus.Confirmed && f.qualification != QualificationStatus.Modulated) {
            revert FlexMarketPodNotQualified(f.podId, f.qualification);
        }
        uint32 limitKw = direction == Direction.Up ? f.qualifiedUpKw : f.qualifiedDownKw;
        if (quantityKw > limitKw) revert FlexMarketAboveLimit(f.podId, direction, quantityKw, limitKw);
    }

    /// @dev Marks an active offer of an open session as withdrawn by its aggregator.
    function _withdrawOffer(OfferId offerId, EntryStatus newStatus) private returns (SessionId sessionId, PodId podId) {
        uint256 word = _offers[offerId];
        if (EntryPacking.offerSessionId(word) == 0) revert FlexMarketUnknownOffer(offerId);
        PodFlexibility memory f = _podRegistry.flexibilityAt(EntryPacking.offerRegistrationIndex(word));
        if (f.aggregator != msg.sender) revert FlexMarketNotPodAggregator(f.podId, msg.sender, f.aggregator);
        EntryStatus status = EntryPacking.offerStatus(word);
        if (status != EntryStatus.Active) revert FlexMarketOfferNotActive(offerId, status);
        sessionId = SessionId.wrap(EntryPacking.offerSessionId(word));
        _requireOpen(sessionId);
        _offers[offerId] = EntryPacking.withOfferStatus(word, newStatus);
        podId = f.podId;
    }

    // ------------------------------------------------------------------ internals: awards

    /// @dev Checks the awards and stores them two to a word, each word written once (the first one merged when an
    /// earlier call left it half-filled).
    function _storeAwards(SessionId sessionId, uint32 day, uint32 first, AwardInput[] calldata awards) private {
        mapping(uint256 word => uint256 twoPackedAwards) storage words = _awards[sessionId];
        uint8 round = _clearings[sessionId].round;
        PodFlexibility[] memory registrations = new PodFlexibility[](REGISTRATION_CACHE_SIZE);
        // One scratch copy of each entry for the whole batch: memory is never freed and costs quadratically.
        AwardScratch memory scratch;
        (uint256 wordIndex, uint256 shift) = AwardPacking.awardSlot(first);
        wordIndex += uint256(round) << ROUND_SHIFT;
        uint256 packed = shift == 0 ? 0 : words[wordIndex];
        for (uint256 i = 0; i < awards.length; ++i) {
            _copyAward(awards[i], scratch.award);
            packed |= uint256(_checkAward(sessionId, day, round, scratch, registrations)) << shift;
            if (shift != 0 || i + 1 == awards.length) {
                words[wordIndex++] = packed;
                (shift, packed) = (0, 0);
            } else {
                shift = AwardPacking.AWARD_BITS;
            }
        }
    }

    /// @dev Checks one award against its offer, request and PoD, books the PoD's slot, returns the packed award.
    function _checkAward(
        SessionId sessionId,
        uint32 day,
        uint8 round,
        AwardScratch memory scratch,
        PodFlexibility[] memory registrations
    ) private returns (uint128) {
        (AwardInput memory a, OfferCore memory o, RequestCore memory r) = (
            scratch.award,
            scratch.offer,
            scratch.request
        );
        EntryPacking.unpackOfferInto(_offers[a.offerId], o);
        EntryPacking.unpackRequestInto(_requests[a.requestId], r);
        _checkAwardTerms(sessionId, a, o, r);
        if (o.stepCount > 1) _checkMarginalPrice(a, o.stepCount);
        PodFlexibility memory f = _registration(registrations, o.registrationIndex);
        _checkQualifiedFor(f, o.direction, a.quantityKw);
        if (r.kind == RequestKind.Tso) {
            PomId pom = PomId.wrap(_requestTargets[a.requestId]);
            if (_podRegistry.pomOf(f.podId) != pom) revert FlexMarketAwardOutsidePom(f.podId, pom);
            _checkTrafficLight(f.podId, day, a.slotIndex, o.direction, a.quantityKw);
        } else if (!_isDsoRequestMember(a.requestId, f.index)) {
            revert FlexMarketAwardPodNotInRequest(a.requestId, f.podId);
        }
        if (o.kind == OfferKind.Block) _bookBlockEnergy(a.offerId, round, o.energyKwh, a.quantityKw);
        _bookSlot(f.podId, day, a.slotIndex);
        return
            AwardPacking.packAward(
                uint32(OfferId.unwrap(a.offerId)),
                uint32(RequestId.unwrap(a.requestId)),
                a.quantityKw,
                a.priceMilliEurPerKw
            );
    }

    /// @dev Into the batch's scratch award: each field read from calldata (and range-checked) once.
    function _copyAward(AwardInput calldata from, AwardInput memory into) private pure {
        (into.offerId, into.requestId, into.slotIndex) = (from.offerId, from.requestId, from.slotIndex);
        (into.quantityKw, into.priceMilliEurPerKw) = (from.quantityKw, from.priceMilliEurPerKw);
    }

    /// @dev A registration through the batch's cache, direct-mapped by index: it cannot change within the call, so
    /// a batch in any order (the market oracle posts request by request, i.e. slot by slot) reads each PoD about once.
    function _registration(
        PodFlexibility[] memory cache,
        uint32 registrationIndex
    ) private view returns (PodFlexibility memory f) {
        uint256 line = registrationIndex % REGISTRATION_CACHE_SIZE;
        f = cache[line];
        if (f.index != registrationIndex) {
            f = _podRegistry.flexibilityAt(registrationIndex);
            // A revoked aggregator's PoDs are not awarded (the role is re-checked once per PoD and batch).
            if (!_hasRole(Roles.AGGREGATOR, f.aggregator)) revert FlexMarketAggregatorRevoked(f.podId, f.aggregator);
            cache[line] = f;
        }
    }

    /// @dev A TSO award stays within the dynamic traffic light of its PoD's perimeter (red: zero that way).
    function _checkTrafficLight(
        PodId podId,
        uint32 day,
        uint8 slotIndex,
        Direction direction,
        uint32 quantityKw
    ) private view {
        IDynamicTrafficLight lights = _trafficLight;
        if (address(lights) == address(0)) return;
        uint32 capabilityKw = lights.tsoCapabilityKw(podId, day, slotIndex, direction);
        if (quantityKw > capabilityKw) {
            revert FlexMarketAwardAboveTrafficLight(podId, slotIndex, direction, quantityKw, capabilityKw);
        }
    }

    /// @dev The curve binds: an award reaching into step k is paid at least step k's price.
    function _checkMarginalPrice(AwardInput memory a, uint8 stepCount) private view {
        PriceStep[] memory steps = _loadCurve(a.offerId, stepCount);
        uint32 marginal = OfferCurve.marginalPrice(steps, a.quantityKw);
        if (a.priceMilliEurPerKw < marginal) {
            revert FlexMarketAwardBelowMarginalPrice(a.offerId, a.quantityKw, a.priceMilliEurPerKw, marginal);
        }
    }

    /// @dev Offer and request are active entries of this session, agree on slot and direction; the quantity is
    /// within the offer and the price between the offer's lowest step and the request's cap.
    function _checkAwardTerms(
        SessionId sessionId,
        AwardInput memory a,
        OfferCore memory o,
        RequestCore memory r
    ) private pure {
        uint256 sid = SessionId.unwrap(sessionId);
        if (o.sessionId != sid) revert FlexMarketOfferNotInSession(a.offerId, sessionId);
        if (o.status != EntryStatus.Active) revert FlexMarketOfferNotActive(a.offerId, o.status);
        if (r.sessionId != sid) revert FlexMarketRequestNotInSession(a.requestId, sessionId);
        if (r.status != EntryStatus.Active) revert FlexMarketRequestNotActive(a.requestId, r.status);
        if (a.slotIndex != r.slotIndex || a.slotIndex < o.firstSlot || a.slotIndex > o.lastSlot) {
            revert FlexMarketAwardSlotMismatch(a.offerId, a.requestId, a.slotIndex);
        }
        if (o.direction != r.direction) revert FlexMarketAwardDirectionMismatch(a.offerId, a.requestId);
        if (a.quantityKw == 0 || a.quantityKw > o.maxQuantityKw) {
            revert FlexMarketAwardQuantityInvalid(a.offerId, a.quantityKw, o.maxQuantityKw);
        }
        if (a.priceMilliEurPerKw < o.minPriceMilliEurPerKw || a.priceMilliEurPerKw > r.maxPriceMilliEurPerKw) {
            revert FlexMarketAwardPriceOutOfRange(
                a.offerId,
                a.priceMilliEurPerKw,
                o.minPriceMilliEurPerKw,
                r.maxPriceMilliEurPerKw
            );
        }
    }

    /// @dev Mutual unavailability: one award per PoD per slot of a day, across sessions and operators.
    function _bookSlot(PodId podId, uint32 day, uint8 slotIndex) private {
        uint256 bitmap = _awardedSlots[podId][day];
        uint256 bit = uint256(1) << slotIndex;
        if (bitmap & bit != 0) revert FlexMarketPodAlreadyAwarded(podId, day, slotIndex);
        _awardedSlots[podId][day] = bitmap | bit;
    }

    /// @dev A block's awards together stay within its energy: sum of kW over slots <= energyKwh × slots per hour.
    function _bookBlockEnergy(OfferId offerId, uint8 round, uint32 energyKwh, uint32 quantityKw) private {
        uint256 key = OfferId.unwrap(offerId) | (uint256(round) << 32);
        uint256 awarded = _blockAwardedKwSlots[key] + quantityKw;
        uint256 limit = uint256(energyKwh) * SlotTime.SLOTS_PER_HOUR;
        if (awarded > limit) revert FlexMarketBlockEnergyExceeded(offerId, awarded, limit);
        _blockAwardedKwSlots[key] = awarded;
    }

    /// @dev Frees the slot a voided award booked, unless its validation was KO (which freed it already and may
    /// since have let another session book it).
    function _releaseAward(SessionId sessionId, uint32 day, uint8 round, uint32 awardIndex) private {
        uint256 roundBase = uint256(round) << ROUND_SHIFT;
        (uint256 word, uint256 shift) = AwardPacking.validationSlot(awardIndex);
        (ValidationVerdict verdict, , ) = AwardPacking.unpackValidation(
            AwardPacking.readValidation(_validations[sessionId][roundBase + word], shift)
        );
        if (verdict == ValidationVerdict.Ko) return;
        (uint32 offerId, uint32 requestId, , ) = AwardPacking.unpackAward(
            _packedAward(sessionId, roundBase, awardIndex)
        );
        PodId podId = _podRegistry
            .flexibilityAt(EntryPacking.offerRegistrationIndex(_offers[OfferId.wrap(offerId)]))
            .podId;
        uint8 slotIndex = EntryPacking.requestSlotIndex(_requests[RequestId.wrap(requestId)]);
        _awardedSlots[podId][day] &= ~(uint256(1) << slotIndex);
    }

    function _roundBase(SessionId sessionId) private view returns (uint256) {
        return uint256(_clearings[sessionId].round) << ROUND_SHIFT;
    }

    function _validate(
        SessionId sessionId,
        uint32 day,
        uint32 awardCount,
        uint256 roundBase,
        ValidationInput calldata v
    ) private {
        if (v.awardIndex >= awardCount) revert FlexMarketUnknownAward(sessionId, v.awardIndex);
        (uint256 word, uint256 shift) = AwardPacking.validationSlot(v.awardIndex);
        word += roundBase;
        uint256 packedWord = _validations[sessionId][word];
        if (AwardPacking.readValidation(packedWord, shift) != 0) {
            revert FlexMarketAwardAlreadyValidated(sessionId, v.awardIndex);
        }
        (uint32 offerId, uint32 requestId, uint32 quantityKw, ) = AwardPacking.unpackAward(
            _packedAward(sessionId, roundBase, v.awardIndex)
        );
        uint32 finalQuantityKw = _finalQuantity(sessionId, v, quantityKw);
        _validations[sessionId][word] = AwardPacking.writeValidation(
            packedWord,
            shift,
            AwardPacking.packValidation(v.verdict, finalQuantityKw, v.reasonCode)
        );
        PodId podId = _podRegistry
            .flexibilityAt(EntryPacking.offerRegistrationIndex(_offers[OfferId.wrap(offerId)]))
            .podId;
        // A rejected award frees the PoD's slot for a later session.
        if (v.verdict == ValidationVerdict.Ko) {
            uint8 slotIndex = EntryPacking.requestSlotIndex(_requests[RequestId.wrap(requestId)]);
            _awardedSlots[podId][day] &= ~(uint256(1) << slotIndex);
        }
        emit AwardValidated(sessionId, podId, v.awardIndex, v.verdict, finalQuantityKw, v.reasonCode);
    }

    /// @dev Ok keeps the quantity, Ko gives 0, Partial a quantity strictly between 0 and the award.
    function _finalQuantity(
        SessionId sessionId,
        ValidationInput calldata v,
        uint32 quantityKw
    ) private pure returns (uint32) {
        bool valid =
            v.verdict == ValidationVerdict.Partial
                ? v.reducedQuantityKw > 0 && v.reducedQuantityKw < quantityKw
                : v.verdict != ValidationVerdict.Pending && v.reducedQuantityKw == 0;
        if (!valid) revert FlexMarketInvalidValidation(sessionId, v.awardIndex, v.verdict, v.reducedQuantityKw);
        if (v.verdict == ValidationVerdict.Ok) return quantityKw;
        return v.verdict == ValidationVerdict.Partial ? v.reducedQuantityKw : 0;
    }

    function _packedAward(SessionId sessionId, uint256 roundBase, uint32 awardIndex) private view returns (uint128) {
        (uint256 word, uint256 shift) = AwardPacking.awardSlot(awardIndex);
        return AwardPacking.readAward(_awards[sessionId][roundBase + word], shift);
    }

    /// @dev Rebuilt from the stored steps for curves of several steps, from the offer itself for one step.
    function _curveHash(OfferId offerId, OfferCore memory c) private view returns (bytes32) {
        if (c.stepCount > 1) return keccak256(abi.encode(_loadCurve(offerId, c.stepCount)));
        PriceStep[] memory steps = new PriceStep[](1);
        steps[0] = PriceStep(c.maxQuantityKw, c.minPriceMilliEurPerKw);
        return keccak256(abi.encode(steps));
    }

    function _awardView(
        SessionId sessionId,
        uint256 roundBase,
        uint32 awardIndex
    ) private view returns (AwardView memory v) {
        (uint32 offerId, uint32 requestId, uint32 quantityKw, uint32 price) = AwardPacking.unpackAward(
            _packedAward(sessionId, roundBase, awardIndex)
        );
        (uint256 word, uint256 shift) = AwardPacking.validationSlot(awardIndex);
        (ValidationVerdict verdict, uint32 finalQuantityKw, uint16 reasonCode) = AwardPacking.unpackValidation(
            AwardPacking.readValidation(_validations[sessionId][roundBase + word], shift)
        );
        OfferCore memory o = EntryPacking.unpackOffer(_offers[OfferId.wrap(offerId)]);
        PodFlexibility memory f = _podRegistry.flexibilityAt(o.registrationIndex);
        v.awardIndex = awardIndex;
        v.offerId = OfferId.wrap(offerId);
        v.requestId = RequestId.wrap(requestId);
        v.podId = f.podId;
        v.aggregator = f.aggregator;
        v.slotIndex = EntryPacking.requestSlotIndex(_requests[RequestId.wrap(requestId)]);
        v.direction = o.direction;
        v.quantityKw = quantityKw;
        v.priceMilliEurPerKw = price;
        v.verdict = verdict;
        v.finalQuantityKw = finalQuantityKw;
        v.reasonCode = reasonCode;
        v.registrationIndex = o.registrationIndex;
    }
}
