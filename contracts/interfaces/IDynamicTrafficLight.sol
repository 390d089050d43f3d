// SPDX-License-Identifier: Apache-2.0
// Interface of the DSO's dynamic traffic light: per perimeter (a named PoD set) and delivery slot, a colour and the
// capability in each direction that bounds what the TSO may activate there.
pragma solidity ^0.8.24;

import {Direction, PodId, PerimeterId, SessionId, TrafficLightColour} from "../libraries/Types.sol";
import {IFlexMarket} from "./IFlexMarket.sol";

/// @notice One slot's light as published.
/// @param slotIndex Delivery slot (0..95), inside the session's slots.
/// @param colour Green, Yellow or Red (red in the direction opposite to a planned local service).
/// @param capabilityUpKw Upward activation the perimeter can take, kW.
/// @param capabilityDownKw Downward activation the perimeter can take, kW.
struct TrafficLightInput {
    uint8 slotIndex;
    TrafficLightColour colour;
    uint32 capabilityUpKw;
    uint32 capabilityDownKw;
}

/// @notice One slot's light as read; `published` is false when none was published.
struct TrafficLight {
    TrafficLightColour colour;
    uint32 capabilityUpKw;
    uint32 capabilityDownKw;
    uint32 perimeterVersion;
    SessionId sessionId;
    bool published;
}

/// @title IDynamicTrafficLight
/// @notice Guarantees: perimeters are defined only by the DSO (each redefinition bumps the version); lights are
/// published only by the DSO oracle, for slots of a session, before that session's gate closure; a light published by
/// a day-ahead session cannot be overwritten by a real-time one; the FlexMarket refuses a TSO award above the
/// capability of its PoD's perimeter in the award's direction (a red light publishes zero there).
interface IDynamicTrafficLight {
    /// @notice A perimeter needs at least one PoD.
    error DynamicTrafficLightEmptyPerimeter(PerimeterId perimeterId);
    /// @notice The perimeter was never defined.
    error DynamicTrafficLightUnknownPerimeter(PerimeterId perimeterId);
    /// @notice The session's gate has closed: its lights are fixed.
    error DynamicTrafficLightGateClosed(SessionId sessionId, uint64 gateClosureTime);
    /// @notice The slot is not one of the session's.
    error DynamicTrafficLightSlotOutsideSession(SessionId sessionId, uint8 slotIndex);
    /// @notice A day-ahead session published this slot's light: a real-time session cannot overwrite it.
    error DynamicTrafficLightDayAheadFixed(PerimeterId perimeterId, uint32 day, uint8 slotIndex);
    /// @notice A perimeter can be redefined at most 65,535 times (its version is stored in 16 bits).
    error DynamicTrafficLightTooManyVersions(PerimeterId perimeterId);

    /// @notice The DSO (re)defined a perimeter; the PoD list rides here, its hash is stored.
    event PerimeterDefined(PerimeterId indexed perimeterId, uint32 version, bytes32 podSetHash, PodId[] podIds);
    /// @notice The DSO oracle published the light of a perimeter for one slot of a day.
    event TrafficLightPublished(
        PerimeterId indexed perimeterId,
        uint32 indexed day,
        uint8 indexed slotIndex,
        SessionId sessionId,
        TrafficLightColour colour,
        uint32 capabilityUpKw,
        uint32 capabilityDownKw,
        uint32 perimeterVersion
    );

    /// @notice Defines or redefines a perimeter (DSO).
    /// @param perimeterId The perimeter (`encodeBytes32String` of its name).
    /// @param podIds Its PoDs.
    function definePerimeter(PerimeterId perimeterId, PodId[] calldata podIds) external;

    /// @notice Publishes lights of a perimeter for slots of a session (DSO oracle), before the session's gate
    /// closure; a later publication for the same day and slot replaces an earlier one, except that a real-time
    /// session cannot replace a day-ahead session's light.
    /// @param sessionId The session whose slots the lights are for.
    /// @param perimeterId A defined perimeter.
    /// @param lights One per slot.
    function publishTrafficLights(
        SessionId sessionId,
        PerimeterId perimeterId,
        TrafficLightInput[] calldata lights
    ) external;

    /// @notice The current light of a perimeter for a slot of a day.
    /// @param perimeterId The perimeter.
    /// @param day The market day.
    /// @param slotIndex The slot.
    /// @return The light (`published` false if none).
    function trafficLight(
        PerimeterId perimeterId,
        uint32 day,
        uint8 slotIndex
    ) external view returns (TrafficLight memory);

    /// @notice What the TSO may activate on a PoD in a slot and direction: its perimeter's published capability, or
    /// 2^32 − 1 when the PoD is in no current perimeter or no light was published.
    /// @param podId The PoD.
    /// @param day The market day.
    /// @param slotIndex The slot.
    /// @param direction Up or Down.
    /// @return The capability, kW.
    function tsoCapabilityKw(
        PodId podId,
        uint32 day,
        uint8 slotIndex,
        Direction direction
    ) external view returns (uint32);

    /// @notice The current perimeter of a PoD (zero if none).
    /// @param podId The PoD.
    /// @return The perimeter.
    function perimeterOf(PodId podId) external view returns (PerimeterId);

    /// @notice A perimeter's current definition.
    /// @param perimeterId The perimeter.
    /// @return podSetHash keccak256(abi.encode(PodId[])) of its PoDs.
    /// @return version 1 for the first definition, +1 per redefinition (0 = undefined).
    function perimeter(PerimeterId perimeterId) external view returns (bytes32 podSetHash, uint32 version);

    /// @notice The market whose sessions bound publication.
    /// @return The FlexMarket.
    function market() external view returns (IFlexMarket);
}
