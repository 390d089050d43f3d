// SPDX-License-Identifier: Apache-2.0
// Interface of the DSO's dynamic traffic light: per perimeter (a named PoD set) and delivery slot, a colour and the
// capability in each direction that bounds what the TSO may activate there.
pragma solidity ^0.8.24;

import {PodId, PerimeterId, SessionId, TrafficLightColour} from "../libraries/Types.sol";
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
/// published only by the DSO oracle, for slots of a session, before that session's gate closure.
interface IDynamicTrafficLight {
    error DynamicTrafficLightEmptyPerimeter(PerimeterId perimeterId);
    error DynamicTrafficLightUnknownPerimeter(PerimeterId perimeterId);
    error DynamicTrafficLightGateClosed(SessionId sessionId, uint64 gateClosureTime);
    error DynamicTrafficLightSlotOutsideSession(SessionId sessionId, uint8 slotIndex);

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
    /// closure; a later publication for the same day and slot replaces an earlier one.
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

    /// @notice A perimeter's current definition.
    /// @param perimeterId The perimeter.
    /// @return podSetHash keccak256(abi.encode(PodId[])) of its PoDs.
    /// @return version 1 for the first definition, +1 per redefinition (0 = undefined).
    function perimeter(PerimeterId perimeterId) external view returns (bytes32 podSetHash, uint32 version);

    /// @notice The market whose sessions bound publication.
    /// @return The FlexMarket.
    function market() external view returns (IFlexMarket);
}
