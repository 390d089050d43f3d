// A market day on an in-process Hardhat chain, for the subgraph's end-to-end test: the contracts deployed with their
// roles, PoDs registered and prequalified, Light Node keys (registered, rotated, revoked), measurement batches, a
// day-ahead session with DSO and TSO requests, offers (replaced, cancelled), awards, validations and notarisation.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { generateLightNodeKey, publicKeyXY } from "../../protocol";
import { rotationMessage, signRotation } from "../../oracles/bal/chain/keyRegister";

export const DAY_SECONDS = 86_400;
export const SLOT = 50;
export const POM_CODE = "CP-IRLANDESE";
export const POD_CODES = ["IT002E61899978", "IT002E61900011", "IT002E61900029"];
/** A PoD registered and deregistered during the day. */
export const WITHDRAWN_POD = "IT002E61900037";

export type Platform = Awaited<ReturnType<typeof deployFlexGrid>>;

export async function deployFlexGrid(hre: HardhatRuntimeEnvironment) {
  const { ethers } = hre;
  const [admin, dso, dsoOracle, tso, marketOperator, bal, aggregator, aggregator2] = await ethers.getSigners();
  const roles = await ethers.deployContract("RoleRegistry", [admin.address]);
  const rolesAddress = await roles.getAddress();
  const registry = await ethers.deployContract("PodRegistry", [rolesAddress]);
  const market = await ethers.deployContract("FlexMarket", [rolesAddress, await registry.getAddress()]);
  const trafficLight = await ethers.deployContract("DynamicTrafficLight", [rolesAddress, await market.getAddress()]);
  const notary = await ethers.deployContract("MarketDataNotary", [rolesAddress]);
  const keys = await ethers.deployContract("LightNodeRegistry", [rolesAddress]);
  const anchor = await ethers.deployContract("MeasurementAnchor", [rolesAddress, await keys.getAddress()]);
  const grant = async (role: string, account: string) => (await roles.grantRole(ethers.id(role), account)).wait();
  await grant("DSO", dso.address);
  await grant("DSO_ORACLE", dsoOracle.address);
  await grant("TSO", tso.address);
  await grant("MARKET_OPERATOR", marketOperator.address);
  await grant("BAL_ANCHOR", bal.address);
  await grant("AGGREGATOR", aggregator.address);
  await grant("AGGREGATOR", aggregator2.address);
  await (await registry.setCalendar(await market.getAddress())).wait();
  const challenge = await ethers.deployContract("MeritOrderChallenge", [await market.getAddress()]);
  const factory = await ethers.deployContract("RemunerationSchemeFactory", [rolesAddress, await registry.getAddress()]);
  const settlement = await ethers.deployContract("Settlement", [
    rolesAddress,
    await challenge.getAddress(),
    await factory.getAddress(),
  ]);
  await (await registry.setSchemeFactory(await factory.getAddress())).wait();
  await (await market.setChallenge(await challenge.getAddress())).wait();
  const token = await ethers.getContractAt("RewardToken", await settlement.rewardToken());
  const contracts = {
    RoleRegistry: roles,
    PodRegistry: registry,
    FlexMarket: market,
    DynamicTrafficLight: trafficLight,
    MarketDataNotary: notary,
    LightNodeRegistry: keys,
    MeasurementAnchor: anchor,
    MeritOrderChallenge: challenge,
    RemunerationSchemeFactory: factory,
    Settlement: settlement,
    RewardToken: token,
  };
  const addresses: Record<string, { address: string; startBlock: number }> = {};
  for (const [name, c] of Object.entries(contracts)) addresses[name] = { address: await c.getAddress(), startBlock: 0 };
  const customers = (await ethers.getSigners()).slice(8, 11);
  return {
    ...contracts,
    roles,
    registry,
    market,
    trafficLight,
    notary,
    keys,
    anchor,
    challenge,
    factory,
    settlement,
    token,
    admin,
    dso,
    dsoOracle,
    tso,
    marketOperator,
    bal,
    aggregator,
    aggregator2,
    customers,
    addresses,
  };
}

export async function runMarketDay(hre: HardhatRuntimeEnvironment, p: Platform) {
  const { ethers } = hre;
  const id = (code: string) => ethers.encodeBytes32String(code);
  const pods = POD_CODES.map(id);
  const pom = id(POM_CODE);
  const owners = [p.aggregator, p.aggregator, p.aggregator2];
  const podData = (up: number, down: number) => ({
    voltageLevel: 1,
    contractualPowerWithdrawnKw: 1000,
    contractualPowerInjectedKw: 200,
    cosPhiMilli: 900,
    maxUpKw: up,
    maxDownKw: down,
    remunerationScheme: ethers.ZeroAddress,
  });
  // Registration, prequalification (one modulated), PoM mapping.
  for (let i = 0; i < pods.length; i++)
    await (await p.registry.connect(owners[i]).registerPod(pods[i], podData(300, 500))).wait();
  await (await p.registry.connect(p.dso).confirmQualification(pods[0])).wait();
  await (await p.registry.connect(p.dso).confirmQualification(pods[1])).wait();
  await (await p.registry.connect(p.dso).modulateQualification(pods[2], 100, 200)).wait();
  await (
    await p.registry.connect(p.dsoOracle).mapPodsToPoms(
      pods,
      pods.map(() => pom),
    )
  ).wait();
  await (await p.trafficLight.connect(p.dso).definePerimeter(id("Nanchino"), [pods[0], pods[1]])).wait();
  // A PoD updated (needs requalification) and requalified; another registered and withdrawn; a role revoked.
  await (await p.registry.connect(owners[1]).updatePod(pods[1], { ...podData(300, 500), cosPhiMilli: 950 })).wait();
  await (await p.registry.connect(p.dso).confirmQualification(pods[1])).wait();
  await (await p.registry.connect(p.aggregator2).registerPod(id(WITHDRAWN_POD), podData(10, 10))).wait();
  await (await p.registry.connect(p.aggregator2).deregisterPod(id(WITHDRAWN_POD))).wait();
  await (await p.roles.grantRole(ethers.id("TSO"), p.aggregator2.address)).wait();
  await (await p.roles.revokeRole(ethers.id("TSO"), p.aggregator2.address)).wait();

  // Light Node keys: registered for every PoD, the first one rotated (signed by its old key), the last revoked.
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const nodeKeys = POD_CODES.map(() => generateLightNodeKey());
  for (let i = 0; i < pods.length; i++) {
    const { x, y } = publicKeyXY(nodeKeys[i].publicKey);
    await (await p.keys.connect(p.bal).registerKey(pods[i], x, y)).wait();
  }
  const next = generateLightNodeKey();
  const message = rotationMessage({
    chainId,
    registry: (await p.keys.getAddress()) as `0x${string}`,
    pod: POD_CODES[0],
    oldPublicKey: nodeKeys[0].publicKey,
    newPublicKey: next.publicKey,
  });
  const { r, s } = signRotation(message, nodeKeys[0].privateKey);
  const nextXY = publicKeyXY(next.publicKey);
  await (await p.keys.rotateKey(pods[0], nextXY.x, nextXY.y, r, s)).wait();
  await (await p.keys.connect(p.dso).revokeKey(pods[2], ethers.encodeBytes32String("tampered"))).wait();

  // Measurement batches.
  const now = Number((await ethers.provider.getBlock("latest"))!.timestamp);
  const batches = [
    { root: ethers.id("batch-1"), fromMs: now * 1000 - 60_000, toMs: now * 1000 - 30_000, count: 12 },
    { root: ethers.id("batch-2"), fromMs: now * 1000 - 29_000, toMs: now * 1000, count: 7 },
  ];
  for (const b of batches) await (await p.anchor.connect(p.bal).anchorBatch(b.root, b.fromMs, b.toMs, b.count)).wait();

  // Day-ahead session for the day after tomorrow.
  const day = Math.floor(now / DAY_SECONDS) + 2;
  const dayStartTime = day * DAY_SECONDS - 2 * 3600;
  const openingTime = now + 3600;
  const gateClosureTime = dayStartTime - 10 * 3600;
  await (
    await p.market.connect(p.marketOperator).createSession(0, day, 0, dayStartTime, openingTime, gateClosureTime)
  ).wait();
  const sessionId = await p.market.sessionCount();
  for (let i = 0; i < pods.length; i++) {
    const values = Array.from({ length: 96 }, (_, slot) => 400 + i * 50 + (slot === SLOT ? 20 : 0));
    await (await p.registry.connect(owners[i]).submitBaseline(pods[i], day, values)).wait();
  }
  await hre.network.provider.send("evm_setNextBlockTimestamp", [openingTime]);
  // Requests: DSO wants 250 kW down on the Nanchino PoDs, TSO an absolute target on the PoM; one more cancelled.
  await (
    await p.market.connect(p.dsoOracle).submitDsoRequest(sessionId, [pods[0], pods[1]], {
      slotIndex: SLOT,
      targetKind: 1,
      direction: 1,
      targetPowerKw: -250,
      maxPriceMilliEurPerKw: 90_000,
    })
  ).wait();
  await (
    await p.market.connect(p.tso).submitTsoRequest(sessionId, pom, {
      slotIndex: SLOT,
      targetKind: 0,
      direction: 0,
      targetPowerKw: 1000,
      maxPriceMilliEurPerKw: 2 ** 32 - 1,
    })
  ).wait();
  await (
    await p.market.connect(p.tso).submitTsoRequest(sessionId, pom, {
      slotIndex: SLOT + 1,
      targetKind: 1,
      direction: 0,
      targetPowerKw: 10,
      maxPriceMilliEurPerKw: 1000,
    })
  ).wait();
  await (await p.market.connect(p.tso).cancelRequest(3)).wait();
  await (
    await p.trafficLight
      .connect(p.dsoOracle)
      .publishTrafficLights(sessionId, id("Nanchino"), [
        { slotIndex: SLOT, colour: 2, capabilityUpKw: 0, capabilityDownKw: 250 },
      ])
  ).wait();

  const offer = (pod: string, direction: number, steps: { quantityKw: number; priceMilliEurPerKw: number }[]) => ({
    sessionId,
    podId: pod,
    kind: 0,
    direction,
    firstSlot: SLOT,
    lastSlot: SLOT,
    energyKwh: 0,
    steps,
  });
  // Offer 1 (down, two steps), offer 2 (down, replaced by offer 3), offer 4 (up), offer 5 (cancelled).
  await (
    await p.market.connect(p.aggregator).submitOffer(
      offer(pods[0], 1, [
        { quantityKw: 100, priceMilliEurPerKw: 40_000 },
        { quantityKw: 50, priceMilliEurPerKw: 60_000 },
      ]),
    )
  ).wait();
  await (
    await p.market
      .connect(p.aggregator)
      .submitOffer(offer(pods[1], 1, [{ quantityKw: 200, priceMilliEurPerKw: 80_000 }]))
  ).wait();
  await (
    await p.market
      .connect(p.aggregator)
      .replaceOffer(2, offer(pods[1], 1, [{ quantityKw: 150, priceMilliEurPerKw: 70_000 }]))
  ).wait();
  await (
    await p.market
      .connect(p.aggregator2)
      .submitOffer(offer(pods[2], 0, [{ quantityKw: 100, priceMilliEurPerKw: 30_000 }]))
  ).wait();
  await (
    await p.market
      .connect(p.aggregator2)
      .submitOffer(offer(pods[2], 1, [{ quantityKw: 50, priceMilliEurPerKw: 10_000 }]))
  ).wait();
  await (await p.market.connect(p.aggregator2).cancelOffer(5)).wait();

  // Remuneration schemes (default for the first aggregator, a custom one for the second), customers enrolled before gate closure (the
  // terms in force at gate closure settle the session).
  const schemeOf = async (
    aggregator: typeof p.aggregator,
    parameters: { toleranceBps: number; rewardShareBps: number; penaltyBps: number },
  ) => {
    const address = await p.factory.connect(aggregator).createScheme.staticCall(parameters);
    await (await p.factory.connect(aggregator).createScheme(parameters)).wait();
    return ethers.getContractAt("RemunerationScheme", address);
  };
  const defaults = await p.factory.defaultParameters();
  const scheme1 = await schemeOf(p.aggregator, {
    toleranceBps: Number(defaults.toleranceBps),
    rewardShareBps: Number(defaults.rewardShareBps),
    penaltyBps: Number(defaults.penaltyBps),
  });
  const scheme2 = await schemeOf(p.aggregator2, { toleranceBps: 2000, rewardShareBps: 6000, penaltyBps: 2500 });
  await (await scheme1.connect(p.aggregator).enrolPod(pods[0], p.customers[0].address)).wait();
  await (await scheme1.connect(p.aggregator).enrolPod(pods[1], p.customers[1].address)).wait();
  await (await scheme2.connect(p.aggregator2).enrolPod(pods[2], p.customers[2].address)).wait();

  // Gate closure, clearing (DSO first, then TSO), sealing, validation (one partial) → final outcome.
  await hre.network.provider.send("evm_setNextBlockTimestamp", [gateClosureTime]);
  const inputsHash = ethers.id("clearing-inputs");
  await (
    await p.market.connect(p.marketOperator).postAwards(sessionId, inputsHash, [
      { offerId: 1, requestId: 1, slotIndex: SLOT, quantityKw: 150, priceMilliEurPerKw: 70_000 },
      { offerId: 3, requestId: 1, slotIndex: SLOT, quantityKw: 100, priceMilliEurPerKw: 70_000 },
      { offerId: 4, requestId: 2, slotIndex: SLOT, quantityKw: 100, priceMilliEurPerKw: 30_000 },
    ])
  ).wait();
  await (await p.market.connect(p.marketOperator).sealClearing(sessionId)).wait();
  await (
    await p.market.connect(p.dsoOracle).postValidations(sessionId, [
      { awardIndex: 0, verdict: 1, reducedQuantityKw: 0, reasonCode: 0 },
      { awardIndex: 1, verdict: 3, reducedQuantityKw: 60, reasonCode: 1 },
      { awardIndex: 2, verdict: 1, reducedQuantityKw: 0, reasonCode: 0 },
    ])
  ).wait();
  await (
    await p.notary
      .connect(p.marketOperator)
      .anchor(ethers.id("final-outcome"), ethers.encodeBytes32String("final-outcome"), "ipfs://results")
  ).wait();

  // Settlement after the challenge window: award 0 delivered exactly, award 1 (60 kW final) half, award 2 exactly.
  const deadline = Number(await p.challenge.challengeDeadline(sessionId));
  const latest = Number((await ethers.provider.getBlock("latest"))!.timestamp);
  if (deadline >= latest) await hre.network.provider.send("evm_setNextBlockTimestamp", [deadline + 1]);
  await (
    await p.settlement.connect(p.marketOperator).settle(sessionId, ethers.id("certified readings"), [
      { awardIndex: 0, deliveredW: 150_000n },
      { awardIndex: 1, deliveredW: 30_000n },
      { awardIndex: 2, deliveredW: 100_000n },
    ])
  ).wait();
  return { sessionId, day, pods, pom, batches, schemes: [await scheme1.getAddress(), await scheme2.getAddress()] };
}
