import { expect } from "chai";
import { decodeAbiParameters } from "viem";
import {
  bytes32ToPodId,
  encodePacketData,
  packetHash,
  podIdToBytes32,
  parseTopic,
  topics,
  ValidationError,
  TopicError,
  PACKET_ENCODING_VERSION,
} from "..";
import { sampleMeasurement } from "./fixtures";

describe("canonical encoding", () => {
  it("encodes a measurement as ABI words a contract can decode", () => {
    const encoded = encodePacketData("measurement", sampleMeasurement);
    const decoded = decodeAbiParameters(
      [
        { type: "uint8" },
        { type: "uint8" },
        { type: "bytes32" },
        { type: "uint64" },
        { type: "uint64" },
        { type: "int64" },
        { type: "int64" },
        { type: "uint64" },
        { type: "uint64" },
        { type: "uint16" },
      ],
      encoded,
    );
    expect(decoded[0]).to.equal(PACKET_ENCODING_VERSION);
    expect(decoded[1]).to.equal(1);
    expect(bytes32ToPodId(decoded[2])).to.equal(sampleMeasurement.pod);
    expect(decoded[5]).to.equal(BigInt(sampleMeasurement.activePowerW));
    expect(decoded[6]).to.equal(BigInt(sampleMeasurement.reactivePowerVar));
  });

  it("does not depend on the order of the object's keys", () => {
    const reordered = Object.fromEntries(Object.entries(sampleMeasurement).reverse()) as typeof sampleMeasurement;
    expect(packetHash("measurement", reordered)).to.equal(packetHash("measurement", sampleMeasurement));
  });

  it("gives different kinds different hashes even for the same header", () => {
    const asAnomaly = {
      pod: sampleMeasurement.pod,
      timestampMs: sampleMeasurement.timestampMs,
      sequence: sampleMeasurement.sequence,
      anomaly: "node-offline" as const,
      detail: "",
    };
    expect(packetHash("anomaly", asAnomaly)).to.not.equal(packetHash("measurement", sampleMeasurement));
  });
});

describe("grid ids", () => {
  it("round-trips a PoD and a PoM id through bytes32", () => {
    for (const id of ["IT002E61899978", "CP-IRLANDESE"]) expect(bytes32ToPodId(podIdToBytes32(id))).to.equal(id);
  });

  it("rejects ids that do not fit or are not printable", () => {
    expect(() => podIdToBytes32("")).to.throw(ValidationError);
    expect(() => podIdToBytes32("X".repeat(33))).to.throw(ValidationError);
    expect(() => podIdToBytes32("IT 002")).to.throw(ValidationError);
  });
});

describe("MQTT topics", () => {
  it("names every channel under flexgrid/<pod>/", () => {
    expect(topics.measurements("IT002E61899978")).to.equal("flexgrid/IT002E61899978/measurements");
    expect(topics.allOf("setpoints")).to.equal("flexgrid/+/setpoints");
    expect(parseTopic("flexgrid/IT002E61899978/activations")).to.deep.equal({
      pod: "IT002E61899978",
      channel: "activations",
    });
  });

  it("refuses topics outside the scheme", () => {
    for (const bad of [
      "flexgrid/IT002E61899978",
      "other/IT002E61899978/measurements",
      "flexgrid/IT002E61899978/secrets",
      "flexgrid/a b/status",
    ]) {
      expect(() => parseTopic(bad), bad).to.throw(TopicError);
    }
  });
});
