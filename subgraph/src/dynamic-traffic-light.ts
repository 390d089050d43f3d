// DynamicTrafficLight: the DSO's perimeters and the colour and capability it publishes per perimeter and slot.
import { PerimeterDefined, TrafficLightPublished } from "../generated/DynamicTrafficLight/DynamicTrafficLight";
import { Perimeter, TrafficLight } from "../generated/schema";
import { COLOURS, enumName } from "./common";

export function handlePerimeterDefined(event: PerimeterDefined): void {
  const p = event.params;
  let perimeter = Perimeter.load(p.perimeterId);
  if (perimeter == null) {
    perimeter = new Perimeter(p.perimeterId);
    perimeter.name = p.perimeterId.toString();
  }
  perimeter.version = p.version.toI32();
  perimeter.podSetHash = p.podSetHash;
  perimeter.pods = p.podIds;
  perimeter.save();
}

export function handleTrafficLightPublished(event: TrafficLightPublished): void {
  const p = event.params;
  const day = p.day.toI32();
  const id = p.perimeterId.toHexString() + "-" + day.toString() + "-" + p.slotIndex.toString();
  let light = TrafficLight.load(id);
  if (light == null) {
    light = new TrafficLight(id);
    light.perimeter = p.perimeterId;
    light.day = day;
    light.slotIndex = p.slotIndex;
  }
  light.session = p.sessionId.toString();
  light.colour = enumName(COLOURS, p.colour);
  light.capabilityUpKw = p.capabilityUpKw.toI32();
  light.capabilityDownKw = p.capabilityDownKw.toI32();
  light.perimeterVersion = p.perimeterVersion.toI32();
  light.updatedAt = event.block.timestamp;
  light.save();
}
