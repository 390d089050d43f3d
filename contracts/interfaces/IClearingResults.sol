// SPDX-License-Identifier: Apache-2.0
// Clearing results on chain: the market operator posts each session's awards with the hash of the clearing's
// inputs; during a window anyone can prove a merit-order violation, which voids the result.
pragma solidity ^0.8.24;

import {OfferId, PodId, RequestId, SessionId} from "../libraries/Types.sol";

/// @title IClearingResults
/// @notice Guarantees: a session has at most one live result; a result becomes final only after its challenge
/// window passes unchallenged; a proven challenge voids it and the operator must post a corrected one.
interface IClearingResults {
    /// @notice One award: `powerW` (load convention) of an offer's step for a request, and what it pays.
    /// @dev stepIndex = BLOCK_STEP for an allocation from a flexible block.
    struct Award {
        RequestId requestId;
        OfferId offerId;
        uint16 stepIndex;
        PodId podId;
        uint16 slot;
        int256 powerW;
        uint256 paymentMicroEur;
    }

    /// @notice A PoD that could not serve one operator (0 = DSO, 1 = TSO) in a slot for reasons outside the book
    /// (sold in an earlier session, red dynamic traffic light, perimeter capability); checkable against those
    /// sessions and lights.
    struct Unavailability {
        PodId podId;
        uint16 slot;
        uint8 operator;
    }

    /// @notice A single-slot offer as committed in the book (steps: increments of power and their prices).
    struct OfferData {
        OfferId offerId;
        PodId podId;
        uint16 slot;
        int256[] stepDeltaW;
        uint256[] stepPriceMicroEurPerKw;
    }

    /// @notice A request as committed at gate closure. operator: 0 = DSO, 1 = TSO; maxPrice = type(uint256).max
    /// when uncapped; podIds = the PoDs whose flexibility counts (TSO: those mapped to its PoM).
    struct RequestData {
        RequestId requestId;
        uint8 operator;
        uint16 slot;
        int256 needW;
        uint256 maxPriceMicroEurPerKw;
        PodId[] podIds;
    }

    /// @notice The session already has a live result.
    error ClearingResultsAlreadyPosted(SessionId sessionId);
    /// @notice The session has no result.
    error ClearingResultsNotPosted(SessionId sessionId);
    /// @notice The session's result was voided by a challenge.
    error ClearingResultsVoided(SessionId sessionId);
    /// @notice The challenge window closed at `deadline`.
    error ClearingResultsChallengeWindowClosed(SessionId sessionId, uint256 deadline);
    /// @notice Re-supplied data does not match the committed hash.
    error ClearingResultsHashMismatch(bytes32 committed, bytes32 supplied);
    /// @notice The step is not accepted for the request in this result.
    error ClearingResultsNotAccepted(RequestId requestId, OfferId offerId, uint256 stepIndex);
    /// @notice The rejected offer is for another slot than the request.
    error ClearingResultsSlotMismatch(uint256 requestSlot, uint256 offerSlot);
    /// @notice The rejected offer's PoD does not count for the request.
    error ClearingResultsPodNotInRequest(RequestId requestId, PodId podId);
    /// @notice The rejected offer goes the other way than the request's need.
    error ClearingResultsDirectionMismatch(int256 needW, int256 offerDeltaW);
    /// @notice The rejected offer is above the request's price cap.
    error ClearingResultsAbovePriceCap(uint256 offerPrice, uint256 maxPrice);
    /// @notice The rejected offer is not cheaper than the accepted one.
    error ClearingResultsNotCheaper(uint256 acceptedPrice, uint256 rejectedPrice);
    /// @notice The rejected offer's PoD serves or was unavailable in that slot, so its rejection may be right.
    error ClearingResultsPodBusy(PodId podId, uint256 slot);
    /// @notice An offer with no steps, or steps and prices of different lengths.
    error ClearingResultsMalformedOffer(OfferId offerId);

    /// @notice A result was posted; `awards` and `unavailable` carry the data for indexers and verifiers.
    event ClearingResultPosted(
        SessionId indexed sessionId,
        uint32 round,
        bytes32 inputHash,
        bytes32 awardsHash,
        Award[] awards,
        Unavailability[] unavailable
    );
    /// @notice A challenge proved that `acceptedOfferId` was taken over the cheaper `rejectedOfferId`.
    event ClearingResultVoided(
        SessionId indexed sessionId,
        uint32 round,
        address indexed challenger,
        RequestId requestId,
        OfferId acceptedOfferId,
        OfferId rejectedOfferId
    );

    /// @notice Posts a session's result (MARKET_OPERATOR); allowed again only after a challenge voided the last one.
    /// @param sessionId The session.
    /// @param inputHash Hash of the clearing's inputs (the normalised book).
    /// @param awards The awards.
    /// @param unavailable The PoD-slots excluded for reasons outside the book.
    function postResult(
        SessionId sessionId,
        bytes32 inputHash,
        Award[] calldata awards,
        Unavailability[] calldata unavailable
    ) external;

    /// @notice Voids the session's result by proving a merit-order violation: `accepted` (step `acceptedStep`) was
    /// accepted for `request` although `rejected` (its first step) was cheaper, eligible, and its PoD idle.
    /// @param sessionId The session.
    /// @param request The request, as committed.
    /// @param accepted The accepted offer, as committed.
    /// @param acceptedStep The accepted step.
    /// @param rejected The rejected offer, as committed.
    function challengeMeritOrder(
        SessionId sessionId,
        RequestData calldata request,
        OfferData calldata accepted,
        uint256 acceptedStep,
        OfferData calldata rejected
    ) external;

    /// @notice The offer and request commitments this contract checks challenges against.
    /// @return The order book view.
    function offerBook() external view returns (address);

    /// @notice How long a posted result can be challenged.
    /// @return Seconds.
    function challengeWindowSeconds() external view returns (uint64);

    /// @notice The session's current result.
    /// @param sessionId The session.
    /// @return inputHash Hash of the inputs.
    /// @return awardsHash keccak256(abi.encode(awards)).
    /// @return postedAt Block time of posting (0: none).
    /// @return awardCount Number of awards.
    /// @return round How many results were posted for the session.
    /// @return voided Whether a challenge voided it.
    function resultOf(
        SessionId sessionId
    )
        external
        view
        returns (bytes32 inputHash, bytes32 awardsHash, uint64 postedAt, uint32 awardCount, uint32 round, bool voided);

    /// @notice Whether the session's result stands for good (posted, not voided, window passed).
    /// @param sessionId The session.
    /// @return True when final.
    function isFinal(SessionId sessionId) external view returns (bool);

    /// @notice keccak256(abi.encode(award)) of the award at `index` in the current result (zero when none).
    /// @param sessionId The session.
    /// @param index The award's position in the posted array.
    /// @return The award's hash.
    function awardHash(SessionId sessionId, uint256 index) external view returns (bytes32);
}
