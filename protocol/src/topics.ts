// MQTT topic names: every Light Node channel lives under flexgrid/<pod>/<channel>, so a broker ACL can pin a device to its PoD.
import { FlexGridError } from "./errors";
import { gridIdSchema } from "./ids";

export const TOPIC_ROOT = "flexgrid";
export const channels = ["measurements", "anomalies", "setpoints", "activations", "status", "acks"] as const;
export type Channel = (typeof channels)[number];

function topicFor(channel: Channel) {
  return (pod: string): string => `${TOPIC_ROOT}/${pod}/${channel}`;
}

export const topics = {
  measurements: topicFor("measurements"),
  anomalies: topicFor("anomalies"),
  setpoints: topicFor("setpoints"),
  activations: topicFor("activations"),
  status: topicFor("status"),
  /** the BAL's application-level acknowledgements to one node (see acks.ts) */
  acks: topicFor("acks"),
  /** Subscription filter for one channel of every PoD. */
  allOf: (channel: Channel): string => `${TOPIC_ROOT}/+/${channel}`,
};

export class TopicError extends FlexGridError {
  constructor(topic: string, problem: string) {
    super(`bad topic ${JSON.stringify(topic)}: ${problem}`, "TOPIC");
  }
}

// the broker and the BAL parse every packet's topic, and a node always publishes on the same few: keep the valid ones
const parsedTopics = new Map<string, { pod: string; channel: Channel }>();
const PARSED_TOPICS_LIMIT = 100_000;

/** Splits a FlexGrid topic into its PoD and channel; throws a TopicError for anything else. */
export function parseTopic(topic: string): { pod: string; channel: Channel } {
  const known = parsedTopics.get(topic);
  if (known) return { ...known };
  const parsed = parseTopicUncached(topic);
  if (parsedTopics.size >= PARSED_TOPICS_LIMIT) parsedTopics.clear();
  parsedTopics.set(topic, parsed);
  return { ...parsed };
}

function parseTopicUncached(topic: string): { pod: string; channel: Channel } {
  const parts = topic.split("/");
  if (parts.length !== 3 || parts[0] !== TOPIC_ROOT)
    throw new TopicError(topic, `expected ${TOPIC_ROOT}/<pod>/<channel>`);
  const [, pod, channel] = parts as [string, string, string];
  if (!gridIdSchema.safeParse(pod).success) throw new TopicError(topic, "invalid PoD id");
  if (!(channels as readonly string[]).includes(channel)) throw new TopicError(topic, `unknown channel ${channel}`);
  return { pod, channel: channel as Channel };
}
