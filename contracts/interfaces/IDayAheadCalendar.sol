// SPDX-License-Identifier: Apache-2.0
// The one thing the PodRegistry asks the market: when does the day-ahead session of a day close its gate.
pragma solidity ^0.8.24;

/// @title IDayAheadCalendar
interface IDayAheadCalendar {
    /// @notice Gate closure of the day-ahead session for market day `day`.
    /// @param day The market day (local calendar date as days since 1970-01-01).
    /// @return gateClosureTime UTC seconds, or 0 when no day-ahead session exists for that day yet.
    function dayAheadGateClosure(uint32 day) external view returns (uint64 gateClosureTime);
}
