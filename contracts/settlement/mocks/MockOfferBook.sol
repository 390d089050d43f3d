// SPDX-License-Identifier: Apache-2.0
// Test stand-in for the market's order book: stores offer and request hashes as FlexMarket will commit them.
pragma solidity 0.8.28;

import {OfferId, RequestId} from "../../libraries/Types.sol";
import {IOfferBookView} from "../../interfaces/IOfferBookView.sol";

/// @title MockOfferBook
/// @notice For tests and the local stack until FlexMarket implements IOfferBookView: anyone may commit hashes.
contract MockOfferBook is IOfferBookView {
    mapping(OfferId offerId => bytes32 offerHash) private _offers;
    mapping(RequestId requestId => bytes32 requestHash) private _requests;

    /// @notice Records an offer's hash.
    /// @param offerId The offer.
    /// @param hash Its ClearingHashing hash.
    function commitOffer(OfferId offerId, bytes32 hash) external {
        _offers[offerId] = hash;
    }

    /// @notice Records a request's hash.
    /// @param requestId The request.
    /// @param hash Its ClearingHashing hash.
    function commitRequest(RequestId requestId, bytes32 hash) external {
        _requests[requestId] = hash;
    }

    /// @inheritdoc IOfferBookView
    function offerHash(OfferId offerId) external view returns (bytes32) {
        return _offers[offerId];
    }

    /// @inheritdoc IOfferBookView
    function requestHash(RequestId requestId) external view returns (bytes32) {
        return _requests[requestId];
    }
}
