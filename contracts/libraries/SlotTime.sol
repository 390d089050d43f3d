// SPDX-License-Identifier: Apache-2.0
// Slot and session time arithmetic: 15-minute slots, 96 a day, day-ahead and real-time session ranges.
pragma solidity ^0.8.24;

import {SessionKind} from "./Types.sol";

/// @dev Slots of a market day (indices 0..95); file-level so it can size `int32[DAY_SLOTS]` arrays.
uint256 constant DAY_SLOTS = 96;

/// @title SlotTime
/// @notice Pure rules of the market calendar. A market day is identified by its local calendar date as days since
/// 1970-01-01; its slot 0 starts at `dayStartTime` (UTC seconds: local midnight, e.g. 22:00 UTC in Italian summer).
library SlotTime {
    /// @dev Length of a market time unit (MTU).
    uint256 internal constant SLOT_SECONDS = 15 minutes;
    /// @dev Slots of a market day (indices 0..95).
    uint8 internal constant SLOTS_PER_DAY = uint8(DAY_SLOTS);
    /// @dev Slots in one hour: energy (kWh) of a slot = power (kW) / SLOTS_PER_HOUR.
    uint32 internal constant SLOTS_PER_HOUR = 4;
    /// @dev Real-time sessions of a day.
    uint8 internal constant REAL_TIME_SESSIONS_PER_DAY = 6;
    /// @dev Slots of a real-time session (4 h).
    uint8 internal constant REAL_TIME_SLOTS = 16;
    /// @dev Largest distance between UTC midnight of the date and the local midnight (UTC-12 .. UTC+14).
    uint256 internal constant MAX_UTC_OFFSET = 14 hours;

    /// @notice Slots covered by a session: day-ahead = all 96; real-time session i = [16 i, 16 i + 16).
    /// @return firstSlot The first slot index of the session.
    /// @return slotCount How many slots it covers.
    /// @return valid False when `realTimeIndex` is out of range for the kind.
    function sessionSlots(
        SessionKind kind,
        uint8 realTimeIndex
    ) internal pure returns (uint8 firstSlot, uint8 slotCount, bool valid) {
        if (kind == SessionKind.DayAhead) return (0, SLOTS_PER_DAY, realTimeIndex == 0);
        if (realTimeIndex >= REAL_TIME_SESSIONS_PER_DAY) return (0, 0, false);
        return (realTimeIndex * REAL_TIME_SLOTS, REAL_TIME_SLOTS, true);
    }

    /// @notice UTC start of a slot of a day.
    function slotStart(uint64 dayStartTime, uint8 slotIndex) internal pure returns (uint64) {
        return dayStartTime + uint64(slotIndex) * uint64(SLOT_SECONDS);
    }

    /// @notice Whether `dayStartTime` is the local midnight of date `day` in some time zone.
    function isPlausibleDayStart(uint32 day, uint64 dayStartTime) internal pure returns (bool) {
        uint256 utcMidnight = uint256(day) * 1 days;
        return dayStartTime + MAX_UTC_OFFSET >= utcMidnight && dayStartTime <= utcMidnight + MAX_UTC_OFFSET;
    }

    /// @notice Whether `slotIndex` lies in [firstSlot, firstSlot + slotCount).
    function contains(uint8 firstSlot, uint8 slotCount, uint8 slotIndex) internal pure returns (bool) {
        return slotIndex >= firstSlot && uint256(slotIndex) < uint256(firstSlot) + slotCount;
    }
}
