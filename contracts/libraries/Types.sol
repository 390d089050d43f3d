// SPDX-License-Identifier: Apache-2.0
// Typed ids and shared enums of FlexGrid: two bytes32 ids (a PoD and a PoM) can never be mixed up.
pragma solidity ^0.8.24;

/// @dev A Point of Delivery. Encoding: `ethers.encodeBytes32String("IT002E61899978")` (left-aligned ASCII, reversible).
type PodId is bytes32;

/// @dev A Point of Measurement (primary substation). Encoding: `ethers.encodeBytes32String("CP-IRLANDESE")`.
type PomId is bytes32;

/// @dev A DSO perimeter (a named, redefinable set of PoDs). Encoding: `ethers.encodeBytes32String(name)`.
type PerimeterId is bytes32;

/// @dev A market session, numbered from 1 in creation order (0 = none).
type SessionId is uint256;

/// @dev A request of a session, numbered from 1 across the market (0 = none).
type RequestId is uint256;

/// @dev An offer, numbered from 1 across the market (0 = none).
type OfferId is uint256;

/// @dev An award of a clearing result, numbered from 1 across the market (0 = none).
type AwardId is uint256;

using {eqPod as ==, nePod as !=} for PodId global;
using {eqPom as ==, nePom as !=} for PomId global;
using {eqSession as ==} for SessionId global;

function eqPod(PodId a, PodId b) pure returns (bool) {
    return PodId.unwrap(a) == PodId.unwrap(b);
}

function nePod(PodId a, PodId b) pure returns (bool) {
    return PodId.unwrap(a) != PodId.unwrap(b);
}

function eqPom(PomId a, PomId b) pure returns (bool) {
    return PomId.unwrap(a) == PomId.unwrap(b);
}

function nePom(PomId a, PomId b) pure returns (bool) {
    return PomId.unwrap(a) != PomId.unwrap(b);
}

function eqSession(SessionId a, SessionId b) pure returns (bool) {
    return SessionId.unwrap(a) == SessionId.unwrap(b);
}

/// @dev Direction of flexibility, load convention: Up = raise consumption (or cut injection), Down = lower it.
enum Direction {
    Up,
    Down
}

/// @dev Voltage level of a PoD's connection.
enum VoltageLevel {
    LV,
    MV,
    HV
}

/// @dev Day-ahead (one session for day D, 96 slots) or real-time (6 a day, 16 slots each).
enum SessionKind {
    DayAhead,
    RealTime
}

/// @dev Colour of the DSO's dynamic traffic light for a perimeter and slot.
enum TrafficLightColour {
    Green,
    Yellow,
    Red
}

/// @dev The DSO's technical validation of one award.
enum ValidationVerdict {
    Pending,
    Ok,
    Ko,
    Partial
}
