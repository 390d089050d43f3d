// Packet verification, the BAL's hot path: node:crypto (OpenSSL) verifyPacket against the portable @noble/curves
// verification of the same packets, measured in the same run. Also the cost of signing (the Light Node side).
import { generateLightNodeKey, signPacket, verifyPacket, verifyPacketPortable, type SignedPacket } from "..";

const PACKETS = Number(process.argv[2] ?? 2_000);
const key = generateLightNodeKey();
const base = {
  pod: "IT002E61899978",
  timestampMs: Date.UTC(2021, 5, 23, 10, 30),
  activePowerW: 2_278_545,
  reactivePowerVar: -1_103_000,
  importedEnergyWh: 987_654_321,
  exportedEnergyWh: 0,
  meterStatus: 0,
};

function timed<T>(label: string, run: () => T): { seconds: number; result: T } {
  const started = performance.now();
  const result = run();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, result };
}

const signing = timed("sign", () =>
  Array.from({ length: PACKETS }, (_, i) => signPacket("measurement", { ...base, sequence: i }, key.privateKey)),
);
const packets: SignedPacket[] = signing.result;
// Warm both paths once (key import, JIT) so the figures are steady-state.
verifyPacket(packets[0]);
verifyPacketPortable(packets[0]!);

const openssl = timed("node:crypto", () => packets.filter((p) => verifyPacket(p).ok).length);
const portable = timed("@noble/curves", () => packets.filter((p) => verifyPacketPortable(p)).length);
if (openssl.result !== PACKETS || portable.result !== PACKETS) throw new Error("a valid packet failed verification");

const rate = (seconds: number) => Math.round(PACKETS / seconds);
console.log(`packets:                       ${PACKETS}`);
console.log(`sign (@noble/curves):          ${rate(signing.seconds)} packets/s`);
console.log(
  `verifyPacket (node:crypto):    ${rate(openssl.seconds)} packets/s  (schema + canonical encoding + hash + ECDSA)`,
);
console.log(`reference (@noble/curves):     ${rate(portable.seconds)} packets/s`);
console.log(`ratio node:crypto / reference: ${(portable.seconds / openssl.seconds).toFixed(2)}x`);
