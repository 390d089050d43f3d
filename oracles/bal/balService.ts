// Composition root of the BAL: SCD store, verifier pool, key register, ingest (embedded aedes or an external
// broker), anchorer, 15-min publication and the HTTP API. Everything is passed in; nothing global.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Signer } from "ethers";
import { createLogger, type Logger } from "../../protocol";
import { IMeasurementAnchor__factory } from "../../typechain-types/factories/contracts/interfaces/IMeasurementAnchor__factory";
import { Anchorer, type AnchorerOptions } from "./anchor/anchorer";
import { AckPublisher, ingestWithAcks, type PublishFn } from "./broker/ackPublisher";
import { CredentialStore } from "./broker/credentials";
import { startEmbeddedBroker, type EmbeddedBroker } from "./broker/embeddedBroker";
import { startMqttIngest } from "./broker/mqttIngest";
import { createSendQueue } from "./chain/sendQueue";
import { createBalApi } from "./http/api";
import { Auth, ChainPodAccess, type PodAccess, type ServiceCredential } from "./http/auth";
import { ChainKeyRegister, type KeyRegister } from "./ingest/keyRegister";
import { DEFAULT_LIMITS, IngestPipeline, type IngestLimits } from "./ingest/ingestPipeline";
import { inlineVerifier, WorkerVerifyPool, type Verifier } from "./ingest/verifyPool";
import { SLOT_MS, slotStartOf, summariseSlot } from "./publication";
import { openSqlClient, type SqlClient } from "./scd/sqlClient";
import { ScdStore, type BatchTreeBuilder } from "./scd/scdStore";

export interface BalServiceOptions {
  /** PGlite lives in <dataDir>/scd unless databaseUrl is set; the credentials file is <dataDir>/mqtt-credentials.json */
  dataDir?: string;
  databaseUrl?: string;
  /** PostgreSQL schema (tests, several SCDs in one database) */
  databaseSchema?: string;
  /** in-memory PGlite (tests) */
  inMemoryDb?: boolean;
  chainId: number;
  /** roleRegistry and podRegistry give the HTTP API its roles (DSO, aggregator, customer); without them only services read */
  addresses: { lightNodeRegistry: string; measurementAnchor: string; roleRegistry?: string; podRegistry?: string };
  /** wallet holding BAL_ANCHOR */
  signer: Signer;
  /** external broker (Mosquitto); unset = embedded aedes */
  mqtt?: {
    url: string;
    username?: string;
    password?: string;
    clientId?: string;
    shareGroup?: string;
    cleanSession?: boolean;
  };
  broker?: { host?: string; port?: number };
  credentials?: CredentialStore;
  http?: {
    host?: string;
    port?: number;
    /** services' bearer tokens (SHA-256 hashes), see http/auth.ts */
    services?: ServiceCredential[];
    /** the EIP-4361 domain sign-in messages must name (default: the request's Host header) */
    siweDomain?: string;
  };
  anchor?: Partial<AnchorerOptions>;
  limits?: Partial<IngestLimits>;
  /** verification worker threads; 0 = verify on the main thread */
  workers?: number;
  keyRegister?: KeyRegister;
  /** publish the 15-min summaries (default true) */
  publication?: { enabled?: boolean; webhookUrl?: string };
  log?: Logger;
  clock?: () => number;
}

export interface BalService {
  brokerUrl?: string;
  httpUrl: string;
  store: ScdStore;
  pipeline: IngestPipeline;
  acks: AckPublisher;
  anchorer: Anchorer;
  credentials: CredentialStore;
  /** Publishes the summaries of the slot starting at `slotStartMs` (idempotent per PoD). */
  publishSlot(slotStartMs: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startBalService(opts: BalServiceOptions): Promise<BalService> {
  const log = opts.log ?? createLogger("bal");
  const clock = opts.clock ?? Date.now;
  const dataDir = opts.dataDir ?? path.resolve(".flexgrid", "bal");
  const db: SqlClient = await openSqlClient({
    databaseUrl: opts.databaseUrl,
    dataDir: opts.inMemoryDb ? undefined : path.join(dataDir, "scd"),
    schema: opts.databaseSchema,
  });
  if (db.kind === "pglite" && !opts.inMemoryDb)
    log.warn(
      "the SCD runs on PGlite, which does not fsync: a reading acknowledged to its node can be lost on a power cut; set DATABASE_URL (or run PostgreSQL locally) in production",
    );
  const store = await ScdStore.open(db);
  const workers = opts.workers ?? 2;
  let verifier: Verifier;
  let buildTree: BatchTreeBuilder | undefined;
  if (workers > 0) {
    const pool = new WorkerVerifyPool(workers);
    await pool.ready();
    verifier = pool;
    buildTree = pool.buildTree;
  } else {
    verifier = inlineVerifier();
  }
  // the anchorer and the key register send from one wallet: one send at a time, or their nonces collide
  const sendQueue = createSendQueue(() => opts.signer.getNonce("pending"));
  let unwatchKeys: (() => Promise<void>) | undefined;
  let keys: KeyRegister;
  if (opts.keyRegister) keys = opts.keyRegister;
  else {
    const chainKeys = new ChainKeyRegister(
      opts.addresses.lightNodeRegistry,
      opts.signer,
      log.child({ part: "keys" }),
      undefined,
      sendQueue,
    );
    // a DSO revocation reaches the ingest as soon as its event is seen, not when the cache expires
    unwatchKeys = await chainKeys.watch();
    keys = chainKeys;
  }
  const pipeline = new IngestPipeline(
    store,
    verifier,
    keys,
    log.child({ part: "ingest" }),
    { ...DEFAULT_LIMITS, ...opts.limits },
    clock,
  );
  await pipeline.start();

  const anchorContract = IMeasurementAnchor__factory.connect(opts.addresses.measurementAnchor, opts.signer);
  const anchorer = new Anchorer(
    store,
    anchorContract,
    log.child({ part: "anchor" }),
    { maxBatch: 10_000, intervalMs: 5_000, ...opts.anchor },
    buildTree,
    sendQueue,
  );
  pipeline.onStored = (rows) => anchorer.notify(rows.length);

  const credentialsFile = path.join(dataDir, "mqtt-credentials.json");
  const credentials = opts.credentials ?? CredentialStore.load(credentialsFile);
  // every packet's fate goes back to its node (flexgrid/<pod>/acks): the node moves its cursor only on that
  let publishAck: PublishFn = async () => {
    throw new Error("no broker yet");
  };
  const acks = new AckPublisher((topic, payload) => publishAck(topic, payload), log.child({ part: "acks" }), clock);
  const ingest = ingestWithAcks(pipeline, acks);

  let broker: EmbeddedBroker | undefined;
  let external: { close(): Promise<void> } | undefined;
  if (opts.mqtt) {
    external = await startMqttIngest({
      url: opts.mqtt.url,
      clientId: opts.mqtt.clientId ?? `flexgrid-bal-${opts.chainId}`,
      username: opts.mqtt.username,
      password: opts.mqtt.password,
      shareGroup: opts.mqtt.shareGroup,
      cleanSession: opts.mqtt.cleanSession,
      ingest,
      log: log.child({ part: "mqtt" }),
    });
    const client = (external as Awaited<ReturnType<typeof startMqttIngest>>).client;
    publishAck = async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 1 });
    };
  } else {
    broker = await startEmbeddedBroker({
      host: opts.broker?.host,
      port: opts.broker?.port,
      credentials,
      ingest,
      onAclViolation: (info) =>
        pipeline.recordRejection("acl-violation", {
          topic: info.topic,
          detail: `${info.username ?? "anonymous"} may not ${info.action} ${info.topic}`,
        }),
    });
    publishAck = broker.publish;
    log.info({ url: broker.url }, "embedded MQTT broker listening");
  }
  anchorer.start();

  const publishSlot = async (slotStartMs: number): Promise<number> => {
    let published = 0;
    for (const pod of await store.knownPods()) {
      const packets = await store.packetsOfPod(pod, slotStartMs, slotStartMs + SLOT_MS, ["measurement"]);
      const summary = summariseSlot(pod, slotStartMs, packets);
      if (
        await store.recordPublication({ slotStartMs, pod, gap: summary.gap, payload: summary, publishedMs: clock() })
      ) {
        published++;
        if (opts.publication?.webhookUrl) {
          await fetch(opts.publication.webhookUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(summary),
          }).catch((error: Error) => log.warn({ err: error.message }, "aggregator webhook failed"));
        }
      }
    }
    return published;
  };
  let pubTimer: NodeJS.Timeout | undefined;
  const schedulePublication = () => {
    // the slot that just ended, a little after its end so late readings of the slot are in
    const now = clock();
    const next = slotStartOf(now) + SLOT_MS + 30_000;
    pubTimer = setTimeout(() => {
      void publishSlot(slotStartOf(clock()) - SLOT_MS)
        .catch((error: Error) => log.error({ err: error.message }, "publication failed"))
        .finally(schedulePublication);
    }, next - now);
    pubTimer.unref();
  };
  if (opts.publication?.enabled !== false) schedulePublication();

  const access: PodAccess =
    opts.addresses.roleRegistry && opts.addresses.podRegistry
      ? new ChainPodAccess(opts.addresses.roleRegistry, opts.addresses.podRegistry, opts.signer)
      : { isDso: async () => false, mayReadPod: async () => false };
  const auth = new Auth({
    access,
    chainId: opts.chainId,
    domain: opts.http?.siweDomain,
    services: opts.http?.services,
    clock,
  });
  const app = createBalApi({
    auth,
    store,
    chainId: opts.chainId,
    measurementAnchor: opts.addresses.measurementAnchor,
    lightNodeRegistry: opts.addresses.lightNodeRegistry,
    stats: () => ({
      ingest: pipeline.stats,
      anchor: { ...anchorer.stats, gasUsed: anchorer.stats.gasUsed.toString() },
    }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(opts.http?.port ?? 0, opts.http?.host ?? "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const httpUrl = `http://${opts.http?.host ?? "127.0.0.1"}:${port}`;
  log.info({ httpUrl }, "BAL HTTP API listening");

  return {
    brokerUrl: broker?.url ?? opts.mqtt?.url,
    httpUrl,
    store,
    pipeline,
    acks,
    anchorer,
    credentials,
    publishSlot,
    async stop() {
      if (pubTimer) clearTimeout(pubTimer);
      await unwatchKeys?.().catch(() => undefined);
      await external?.close();
      await broker?.close();
      await pipeline.idle();
      await anchorer.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await verifier.close();
      await store.close();
    },
  };
}
