// SPDX-License-Identifier: Apache-2.0
// Units and fixed-point scales of the market: powers in kW, energies in kWh, prices in milli-EUR per kW.
pragma solidity ^0.8.24;

/// @title MarketUnits
/// @notice Prices are integers in milli-EUR per kW (0.01 EUR/kW = 10); powers are whole kW, load convention
/// (positive = consumption) where a sign matters.
library MarketUnits {
    /// @dev Scale of prices: price in EUR/kW × PRICE_SCALE = priceMilliEurPerKw.
    uint32 internal constant PRICE_SCALE = 1000;
    /// @dev A request's maxPriceMilliEurPerKw meaning "no price cap" (e.g. the TSO's cap is not published).
    uint32 internal constant NO_PRICE_CAP = type(uint32).max;
    /// @dev cos φ is stored × 1000 (0.9 = 900).
    uint16 internal constant COS_PHI_SCALE = 1000;
}
