// The subgraph queries of the pages, with the shapes they return (numbers as the GraphQL API gives them).
export interface SessionRow {
  id: string;
  sessionId: string;
  kind: "DayAhead" | "RealTime";
  day: number;
  realTimeIndex: number;
  firstSlot: number;
  slotCount: number;
  dayStartTime: string;
  openingTime: string;
  gateClosureTime: string;
  status: string;
  awardCount: number;
  inputsHash: string | null;
}
const SESSION_FIELDS = `id sessionId kind day realTimeIndex firstSlot slotCount dayStartTime openingTime gateClosureTime status awardCount inputsHash`;
export const SESSIONS = `query Sessions { sessions(first: 50, orderBy: sessionId, orderDirection: desc) { ${SESSION_FIELDS} } }`;

export interface RequestRow {
  id: string;
  requestId: string;
  kind: "Dso" | "Tso";
  status: string;
  slotIndex: number;
  targetKind: string;
  direction: string;
  targetPowerKw: number;
  maxPriceMilliEurPerKw: string;
  pom: { code: string } | null;
  pods: { code: string }[] | null;
  session: { sessionId: string; day: number };
}
const REQUEST_FIELDS = `id requestId kind status slotIndex targetKind direction targetPowerKw maxPriceMilliEurPerKw pom { code } pods { code } session { sessionId day }`;

export interface OfferRow {
  id: string;
  offerId: string;
  kind: string;
  direction: string;
  status: string;
  firstSlot: number;
  lastSlot: number;
  energyKwh: number;
  maxQuantityKw: number;
  /** A BigInt in the subgraph: a decimal string. */
  minPriceMilliEurPerKw: string;
  pod: { code: string };
  aggregator: { id: string };
  steps: { index: number; quantityKw: number; priceMilliEurPerKw: string }[];
}
const OFFER_FIELDS = `id offerId kind direction status firstSlot lastSlot energyKwh maxQuantityKw minPriceMilliEurPerKw pod { code } aggregator { id } steps(orderBy: index) { index quantityKw priceMilliEurPerKw }`;

export interface AwardRow {
  id: string;
  awardIndex: number;
  slotIndex: number;
  quantityKw: number;
  priceMilliEurPerKw: string;
  verdict: string;
  finalQuantityKw: number | null;
  reasonCode: number | null;
  pod: { code: string };
  offer: { offerId: string; aggregator: { id: string } };
  request: { requestId: string; kind: string };
  settlement: {
    deliveredW: string;
    effectivenessBps: string;
    rewardMicroEur: string;
    penaltyMicroEur: string;
    wallet: { id: string };
  } | null;
}
const AWARD_FIELDS = `id awardIndex slotIndex quantityKw priceMilliEurPerKw verdict finalQuantityKw reasonCode pod { code } offer { offerId aggregator { id } } request { requestId kind } settlement { deliveredW effectivenessBps rewardMicroEur penaltyMicroEur wallet { id } }`;

export const SESSION_BOOK = `query SessionBook($id: ID!) {
  session(id: $id) { ${SESSION_FIELDS}
    requests(first: 500) { ${REQUEST_FIELDS} }
    offers(first: 1000) { ${OFFER_FIELDS} }
    awards(first: 1000, orderBy: awardIndex) { ${AWARD_FIELDS} }
  }
}`;
export interface SessionBook {
  session: (SessionRow & { requests: RequestRow[]; offers: OfferRow[]; awards: AwardRow[] }) | null;
}

export interface PodRow {
  id: string;
  code: string;
  status: string;
  voltageLevel: string;
  contractualPowerWithdrawnKw: number;
  contractualPowerInjectedKw: number;
  maxUpKw: number;
  maxDownKw: number;
  qualification: string;
  qualifiedUpKw: number;
  qualifiedDownKw: number;
  pom: { code: string } | null;
}
const POD_FIELDS = `id code status voltageLevel contractualPowerWithdrawnKw contractualPowerInjectedKw maxUpKw maxDownKw qualification qualifiedUpKw qualifiedDownKw pom { code }`;

export const AGGREGATOR_VIEW = `query AggregatorView($aggregator: String!) {
  pods(first: 500, where: { aggregator: $aggregator }, orderBy: code) { ${POD_FIELDS} }
  offers(first: 500, where: { aggregator: $aggregator }, orderBy: offerId, orderDirection: desc) { ${OFFER_FIELDS} session { sessionId day } }
  awards(first: 1000, where: { offer_: { aggregator: $aggregator } }, orderBy: createdAt, orderDirection: desc) { ${AWARD_FIELDS} session { sessionId day } }
  sessions(first: 20, orderBy: sessionId, orderDirection: desc) { ${SESSION_FIELDS} }
}`;
export interface AggregatorView {
  pods: PodRow[];
  offers: (OfferRow & { session: { sessionId: string; day: number } })[];
  awards: (AwardRow & { session: { sessionId: string; day: number } })[];
  sessions: SessionRow[];
}

export const REQUESTS = `query Requests($kind: RequestKind!) {
  requests(first: 500, where: { kind: $kind }, orderBy: createdAt, orderDirection: desc) { ${REQUEST_FIELDS} awards { quantityKw priceMilliEurPerKw verdict finalQuantityKw } }
}`;
export interface RequestsView {
  requests: (RequestRow & {
    awards: { quantityKw: number; priceMilliEurPerKw: string; verdict: string; finalQuantityKw: number | null }[];
  })[];
}

export const DSO_VIEW = `query DsoView {
  trafficLights(first: 500, orderBy: updatedAt, orderDirection: desc) { id day slotIndex colour capabilityUpKw capabilityDownKw perimeter { name } }
  validations(first: 500, orderBy: timestamp, orderDirection: desc) { id verdict finalQuantityKw reasonCode pod { code } award { slotIndex quantityKw } session { sessionId } }
  pods(first: 500, orderBy: code) { ${POD_FIELDS} }
}`;
export interface DsoView {
  trafficLights: {
    id: string;
    day: number;
    slotIndex: number;
    colour: string;
    capabilityUpKw: number;
    capabilityDownKw: number;
    perimeter: { name: string };
  }[];
  validations: {
    id: string;
    verdict: string;
    finalQuantityKw: number;
    reasonCode: number;
    pod: { code: string };
    award: { slotIndex: number; quantityKw: number };
    session: { sessionId: string };
  }[];
  pods: PodRow[];
}

export const KPIS = `query Kpis {
  dailyKpis(first: 366, orderBy: day) { id day requestCount requestedKw offerCount offeredKw awardCount awardedKw validatedOk validatedKo validatedPartial finalKw liquidity baselineSubmissions batchCount measurementCount settledAwardCount rewardedMicroEur penalisedMicroEur }
  platform(id: "flexgrid") { podCount activeKeyCount batchCount measurementCount sessionCount requestCount offerCount awardCount tokenSupply }
}`;
export interface KpiRow {
  id: string;
  day: number;
  requestCount: number;
  requestedKw: string;
  offerCount: number;
  offeredKw: string;
  awardCount: number;
  awardedKw: string;
  validatedOk: number;
  validatedKo: number;
  validatedPartial: number;
  finalKw: string;
  liquidity: string | null;
  baselineSubmissions: number;
  batchCount: number;
  measurementCount: string;
  settledAwardCount: number;
  rewardedMicroEur: string;
  penalisedMicroEur: string;
}
export interface KpisView {
  dailyKpis: KpiRow[];
  platform: {
    podCount: number;
    activeKeyCount: number;
    batchCount: number;
    measurementCount: string;
    sessionCount: number;
    requestCount: number;
    offerCount: number;
    awardCount: number;
    tokenSupply: string;
  } | null;
}

export const TOKEN_HOLDER = `query TokenHolder($id: ID!, $holder: String!, $wallet: String!) {
  tokenHolder(id: $id) { balance }
  tokenTransfers(first: 200, where: { or: [{ from: $holder }, { to: $holder }] }, orderBy: timestamp, orderDirection: desc) { id from { id } to { id } value timestamp transactionHash }
  awardSettlements(first: 200, where: { wallet: $wallet }, orderBy: timestamp, orderDirection: desc) { id deliveredW effectivenessBps rewardMicroEur penaltyMicroEur mintedMicroEur burnedMicroEur pod { code } session { sessionId day } timestamp }
}`;
export interface TokenHolderView {
  tokenHolder: { balance: string } | null;
  tokenTransfers: {
    id: string;
    from: { id: string };
    to: { id: string };
    value: string;
    timestamp: string;
    transactionHash: string;
  }[];
  awardSettlements: {
    id: string;
    deliveredW: string;
    effectivenessBps: string;
    rewardMicroEur: string;
    penaltyMicroEur: string;
    mintedMicroEur: string;
    burnedMicroEur: string;
    pod: { code: string };
    session: { sessionId: string; day: number };
    timestamp: string;
  }[];
}
