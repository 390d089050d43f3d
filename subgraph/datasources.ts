// The subgraph's data sources: which deployed contract each one watches, its mapping file and the events it handles
// (handler = `handle<EventName>`). scripts/render.ts turns this plus a deployment book into subgraph.yaml.

export interface DataSourceSpec {
  /** Data source name; also the contract's name in the deployment book and its Hardhat artifact. */
  name: string;
  /** Mapping file, relative to subgraph/. */
  mapping: string;
  /** Events handled, by name; each must exist in the contract's ABI. */
  events: string[];
  /** Entities the mapping writes (informational for graph-node). */
  entities: string[];
}

export const dataSources: DataSourceSpec[] = [
  {
    name: "RoleRegistry",
    mapping: "src/role-registry.ts",
    events: ["RoleGranted", "RoleRevoked"],
    entities: ["Account", "RoleChange"],
  },
  {
    name: "PodRegistry",
    mapping: "src/pod-registry.ts",
    events: [
      "PodRegistered",
      "PodUpdated",
      "PodDeregistered",
      "PodMappedToPom",
      "PodQualificationChanged",
      "BaselineSubmitted",
    ],
    entities: ["Pod", "PodChange", "Pom", "Aggregator", "Baseline", "Platform", "DailyKpi"],
  },
  {
    name: "LightNodeRegistry",
    mapping: "src/light-node-registry.ts",
    events: ["LightNodeKeyRegistered", "LightNodeKeyRotated", "LightNodeKeyRevoked"],
    entities: ["LightNodeKey", "LightNodeKeyChange", "Platform"],
  },
  {
    name: "MeasurementAnchor",
    mapping: "src/measurement-anchor.ts",
    events: ["BatchAnchored"],
    entities: ["MeasurementBatch", "Platform", "DailyKpi"],
  },
  {
    name: "FlexMarket",
    mapping: "src/flex-market.ts",
    events: [
      "SessionCreated",
      "SessionGateClosed",
      "ClearingStarted",
      "ClearingSealed",
      "SessionFinalised",
      "DsoRequestSubmitted",
      "TsoRequestSubmitted",
      "RequestCancelled",
      "OfferSubmitted",
      "OfferCancelled",
      "OfferReplaced",
      "AwardsPosted",
      "AwardValidated",
    ],
    entities: [
      "Session",
      "Request",
      "Offer",
      "OfferStep",
      "Award",
      "Validation",
      "FinalOutcome",
      "Platform",
      "DailyKpi",
    ],
  },
  {
    name: "DynamicTrafficLight",
    mapping: "src/dynamic-traffic-light.ts",
    events: ["PerimeterDefined", "TrafficLightPublished"],
    entities: ["Perimeter", "TrafficLight"],
  },
  {
    name: "MarketDataNotary",
    mapping: "src/market-data-notary.ts",
    events: ["DatasetAnchored"],
    entities: ["Dataset"],
  },
  {
    name: "MeritOrderChallenge",
    mapping: "src/merit-order-challenge.ts",
    events: ["SessionResultVoided"],
    entities: ["Session"],
  },
  {
    name: "RemunerationSchemeFactory",
    mapping: "src/remuneration-scheme-factory.ts",
    events: ["SchemeCreated", "PodSchemeChanged"],
    entities: ["RemunerationScheme", "Pod", "Aggregator"],
  },
  {
    name: "Settlement",
    mapping: "src/settlement.ts",
    events: ["SettlementPosted", "AwardSettled"],
    entities: ["SettlementBatch", "AwardSettlement", "DailyKpi"],
  },
  {
    // Created by the Settlement's constructor; the address book records it as RewardToken.
    name: "RewardToken",
    mapping: "src/reward-token.ts",
    events: ["Transfer"],
    entities: ["TokenHolder", "TokenTransfer", "Platform"],
  },
  // UNFINISHED: the schemes' own events (PodEnrolled, PodWithdrawn: clones, so a data source template) are not
  // indexed; the factory's PodSchemeChanged gives each PoD's scheme, and AwardSettled the wallet paid.
];
