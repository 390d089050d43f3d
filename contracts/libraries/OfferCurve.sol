// SPDX-License-Identifier: Apache-2.0
// Price-step curves of offers: validation and canonical hashing (the hash is what the chain stores).
pragma solidity ^0.8.24;

/// @notice One step of an offer curve: `quantityKw` more kW at `priceMilliEurPerKw`.
struct PriceStep {
    uint32 quantityKw;
    uint32 priceMilliEurPerKw;
}

/// @title OfferCurve
/// @notice A curve is 1..MAX_STEPS steps, each with a positive quantity, at non-decreasing prices (a sell curve:
/// the merit order takes the cheapest step first). Its hash is `keccak256(abi.encode(steps))`.
library OfferCurve {
    /// @dev Most steps a curve may have (bounds calldata and event size).
    uint256 internal constant MAX_STEPS = 10;

    /// @notice Canonical hash of a curve: keccak256 of the ABI encoding of the `(uint32,uint32)[]` array.
    function hash(PriceStep[] calldata steps) internal pure returns (bytes32) {
        return keccak256(abi.encode(steps));
    }

    /// @notice Checks a curve and sums it up.
    /// @return totalKw The sum of the step quantities.
    /// @return minPriceMilliEurPerKw The first (lowest) step price.
    /// @return badStep The index of the first invalid step, or `type(uint256).max` when the curve is valid
    /// (a curve with no step or more than MAX_STEPS steps reports index = its length).
    function summarise(
        PriceStep[] calldata steps
    ) internal pure returns (uint32 totalKw, uint32 minPriceMilliEurPerKw, uint256 badStep) {
        uint256 n = steps.length;
        if (n == 0 || n > MAX_STEPS) return (0, 0, n);
        uint256 total;
        uint32 previousPrice;
        for (uint256 i = 0; i < n; ++i) {
            PriceStep calldata step = steps[i];
            if (step.quantityKw == 0 || step.priceMilliEurPerKw < previousPrice) return (0, 0, i);
            previousPrice = step.priceMilliEurPerKw;
            total += step.quantityKw;
        }
        if (total > type(uint32).max) return (0, 0, n - 1);
        return (uint32(total), steps[0].priceMilliEurPerKw, type(uint256).max);
    }

    /// @notice The price of the step a quantity reaches (the marginal step): taking `quantityKw` from the cheapest
    /// step on, the last step it needs. A quantity above the curve's total reports the last step's price.
    function marginalPrice(PriceStep[] memory steps, uint32 quantityKw) internal pure returns (uint32) {
        uint256 cumulative;
        uint256 n = steps.length;
        for (uint256 i = 0; i < n; ++i) {
            cumulative += steps[i].quantityKw;
            if (cumulative >= quantityKw) return steps[i].priceMilliEurPerKw;
        }
        return steps[n - 1].priceMilliEurPerKw;
    }
}
