// SPDX-License-Identifier: Apache-2.0
// The two commitments the clearing challenge needs from the market's order book: the hash of each offer and each
// request as submitted. Minimal stand-in until FlexMarket's interface (issue 5) publishes them; FlexMarket, or an
// adapter over it, implements this.
pragma solidity ^0.8.24;

import {OfferId, RequestId} from "../libraries/Types.sol";

/// @title IOfferBookView
/// @notice Read-only view of the committed offers and requests of the market (hashes per `ClearingHashing`).
interface IOfferBookView {
    /// @notice The committed hash of an offer (`ClearingHashing.hashOffer` of its data), zero when unknown.
    /// @param offerId The offer.
    /// @return The offer hash.
    function offerHash(OfferId offerId) external view returns (bytes32);

    /// @notice The committed hash of a request at gate closure (`ClearingHashing.hashRequest`), zero when unknown.
    /// @param requestId The request.
    /// @return The request hash.
    function requestHash(RequestId requestId) external view returns (bytes32);
}
