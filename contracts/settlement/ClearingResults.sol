// SPDX-License-Identifier: Apache-2.0
// Clearing results per session, posted by the market operator with the hash of the clearing's inputs, and the
// challenge that voids a result which took a dearer offer over a cheaper eligible one.
pragma solidity 0.8.28;

import {RoleGuarded} from "../access/RoleGuarded.sol";
import {Roles} from "../libraries/Roles.sol";
import {OfferId, PodId, RequestId, SessionId} from "../libraries/Types.sol";
import {IClearingResults} from "../interfaces/IClearingResults.sol";
import {IOfferBookView} from "../interfaces/IOfferBookView.sol";
import {ClearingHashing} from "./ClearingHashing.sol";

/// @title ClearingResults
/// @notice Guarantees: one live result per session; a result is final only once its challenge window has passed
/// unchallenged; anyone can void it within the window with a merit-order violation proven from committed data.
/// @dev Awards are stored as hashes plus the few lookups a challenge needs; the full data rides in the event.
/// Each re-posting after a void is a new `round`, so lookups of a voided round never leak into the next.
contract ClearingResults is RoleGuarded, IClearingResults {
    struct Result {
        bytes32 inputHash;
        bytes32 awardsHash;
        uint64 postedAt;
        uint32 awardCount;
        uint32 round;
        bool voided;
    }

    IOfferBookView private immutable _offerBook;
    uint64 private immutable _challengeWindowSeconds;

    mapping(SessionId sessionId => Result) private _results;
    mapping(bytes32 roundAwardKey => bytes32 awardHash) private _awardHashes;
    mapping(bytes32 roundRequestOfferStepKey => int256 powerW) private _acceptedW;
    mapping(bytes32 roundOfferStepKey => int256 powerW) private _offerStepW;
    mapping(bytes32 roundPodSlotKey => bool busy) private _podSlotBusy;
    mapping(bytes32 roundPodSlotOperatorKey => bool unavailable) private _unavailable;

    /// @param roleRegistry_ The platform's RoleRegistry.
    /// @param offerBook_ Where offers and requests are committed (FlexMarket or an adapter).
    /// @param challengeWindowSeconds_ How long a result can be challenged after posting.
    constructor(address roleRegistry_, address offerBook_, uint64 challengeWindowSeconds_) RoleGuarded(roleRegistry_) {
        _offerBook = IOfferBookView(offerBook_);
        _challengeWindowSeconds = challengeWindowSeconds_;
    }

    /// @inheritdoc IClearingResults
    function postResult(
        SessionId sessionId,
        bytes32 inputHash,
        Award[] calldata awards,
        Unavailability[] calldata unavailable
    ) external onlyRole(Roles.MARKET_OPERATOR) {
        Result storage result = _results[sessionId];
        if (result.postedAt != 0 && !result.voided) revert ClearingResultsAlreadyPosted(sessionId);
        uint32 round = result.round + 1;
        bytes32 awardsHash = ClearingHashing.hashAwards(awards);
        _results[sessionId] = Result({
            inputHash: inputHash,
            awardsHash: awardsHash,
            postedAt: uint64(block.timestamp),
            awardCount: uint32(awards.length),
            round: round,
            voided: false
        });
        for (uint256 i = 0; i < awards.length; ++i) {
            Award calldata a = awards[i];
            _awardHashes[_awardKey(sessionId, round, i)] = ClearingHashing.hashAward(a);
            _acceptedW[_requestOfferStepKey(sessionId, round, a.requestId, a.offerId, a.stepIndex)] += a.powerW;
            _offerStepW[_offerStepKey(sessionId, round, a.offerId, a.stepIndex)] += a.powerW;
            _podSlotBusy[_podSlotKey(sessionId, round, a.podId, a.slot)] = true;
        }
        for (uint256 i = 0; i < unavailable.length; ++i) {
            Unavailability calldata u = unavailable[i];
            _unavailable[keccak256(abi.encode(_podSlotKey(sessionId, round, u.podId, u.slot), u.operator))] = true;
        }
        emit ClearingResultPosted(sessionId, round, inputHash, awardsHash, awards, unavailable);
    }

    /// @inheritdoc IClearingResults
    function challengeMeritOrder(
        SessionId sessionId,
        RequestData calldata request,
        OfferData calldata accepted,
        uint256 acceptedStep,
        OfferData calldata rejected
    ) external {
        Result storage result = _results[sessionId];
        if (result.postedAt == 0) revert ClearingResultsNotPosted(sessionId);
        if (result.voided) revert ClearingResultsVoided(sessionId);
        uint256 deadline = uint256(result.postedAt) + _challengeWindowSeconds;
        if (block.timestamp > deadline) revert ClearingResultsChallengeWindowClosed(sessionId, deadline);
        uint32 round = result.round;

        _checkCommitted(_offerBook.requestHash(request.requestId), ClearingHashing.hashRequest(request));
        _checkCommitted(_offerBook.offerHash(accepted.offerId), ClearingHashing.hashOffer(accepted));
        _checkCommitted(_offerBook.offerHash(rejected.offerId), ClearingHashing.hashOffer(rejected));
        _checkWellFormed(accepted);
        _checkWellFormed(rejected);
        if (acceptedStep >= accepted.stepDeltaW.length)
            revert ClearingResultsNotAccepted(request.requestId, accepted.offerId, acceptedStep);

        // The accepted step served this request in this result.
        bytes32 acceptedKey = _requestOfferStepKey(sessionId, round, request.requestId, accepted.offerId, acceptedStep);
        if (_acceptedW[acceptedKey] == 0)
            revert ClearingResultsNotAccepted(request.requestId, accepted.offerId, acceptedStep);

        // The rejected offer's first step was eligible for the request ...
        if (rejected.slot != request.slot) revert ClearingResultsSlotMismatch(request.slot, rejected.slot);
        if (!_contains(request.podIds, rejected.podId))
            revert ClearingResultsPodNotInRequest(request.requestId, rejected.podId);
        int256 rejectedDeltaW = rejected.stepDeltaW[0];
        if ((request.needW < 0) != (rejectedDeltaW < 0) || request.needW == 0)
            revert ClearingResultsDirectionMismatch(request.needW, rejectedDeltaW);
        uint256 rejectedPrice = rejected.stepPriceMicroEurPerKw[0];
        if (rejectedPrice > request.maxPriceMicroEurPerKw)
            revert ClearingResultsAbovePriceCap(rejectedPrice, request.maxPriceMicroEurPerKw);
        // ... cheaper than the accepted one ...
        uint256 acceptedPrice = accepted.stepPriceMicroEurPerKw[acceptedStep];
        if (rejectedPrice >= acceptedPrice) revert ClearingResultsNotCheaper(acceptedPrice, rejectedPrice);
        // ... and its PoD idle in that slot: no award, not declared unavailable. So nothing but price decided.
        bytes32 podSlot = _podSlotKey(sessionId, round, rejected.podId, rejected.slot);
        if (_podSlotBusy[podSlot] || _unavailable[keccak256(abi.encode(podSlot, request.operator))])
            revert ClearingResultsPodBusy(rejected.podId, rejected.slot);

        result.voided = true;
        emit ClearingResultVoided(sessionId, round, msg.sender, request.requestId, accepted.offerId, rejected.offerId);
    }

    /// @inheritdoc IClearingResults
    function offerBook() external view returns (address) {
        return address(_offerBook);
    }

    /// @inheritdoc IClearingResults
    function challengeWindowSeconds() external view returns (uint64) {
        return _challengeWindowSeconds;
    }

    /// @inheritdoc IClearingResults
    function resultOf(
        SessionId sessionId
    )
        external
        view
        returns (bytes32 inputHash, bytes32 awardsHash, uint64 postedAt, uint32 awardCount, uint32 round, bool voided)
    {
        Result storage r = _results[sessionId];
        return (r.inputHash, r.awardsHash, r.postedAt, r.awardCount, r.round, r.voided);
    }

    /// @inheritdoc IClearingResults
    function isFinal(SessionId sessionId) external view returns (bool) {
        Result storage r = _results[sessionId];
        return r.postedAt != 0 && !r.voided && block.timestamp > uint256(r.postedAt) + _challengeWindowSeconds;
    }

    /// @inheritdoc IClearingResults
    function awardHash(SessionId sessionId, uint256 index) external view returns (bytes32) {
        Result storage r = _results[sessionId];
        if (r.voided || index >= r.awardCount) return bytes32(0);
        return _awardHashes[_awardKey(sessionId, r.round, index)];
    }

    function _checkCommitted(bytes32 committed, bytes32 supplied) private pure {
        if (committed != supplied) revert ClearingResultsHashMismatch(committed, supplied);
    }

    function _checkWellFormed(OfferData calldata offer) private pure {
        if (offer.stepDeltaW.length == 0 || offer.stepDeltaW.length != offer.stepPriceMicroEurPerKw.length)
            revert ClearingResultsMalformedOffer(offer.offerId);
    }

    function _contains(PodId[] calldata podIds, PodId podId) private pure returns (bool) {
        for (uint256 i = 0; i < podIds.length; ++i) if (podIds[i] == podId) return true;
        return false;
    }

    function _awardKey(SessionId s, uint32 round, uint256 index) private pure returns (bytes32) {
        return keccak256(abi.encode(s, round, index));
    }

    function _requestOfferStepKey(
        SessionId s,
        uint32 round,
        RequestId requestId,
        OfferId offerId,
        uint256 step
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(s, round, requestId, offerId, step));
    }

    function _offerStepKey(SessionId s, uint32 round, OfferId offerId, uint256 step) private pure returns (bytes32) {
        return keccak256(abi.encode(s, round, offerId, step));
    }

    function _podSlotKey(SessionId s, uint32 round, PodId podId, uint256 slot) private pure returns (bytes32) {
        return keccak256(abi.encode(s, round, podId, slot));
    }
}
