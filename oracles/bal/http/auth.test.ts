// The BAL API's access rules: every personal-data route refuses without a session, a party reads only the PoDs its
// chain roles give it, readings are addressed by hash only, and each way a SIWE sign-in can be wrong is refused.
import { expect } from "chai";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import type { Hex } from "viem";
import { openPglite } from "../scd/sqlClient";
import { ScdStore, type NewPacket } from "../scd/scdStore";
import { createBalApi } from "./api";
import { Auth, type PodAccess } from "./auth";

const CHAIN_ID = 31337;
const POD_A = "IT002E00000001";
const POD_B = "IT002E00000002";
const h = (s: string) => "0x" + createHash("sha256").update(s).digest("hex");
const packet = (pod: string, seq: number): NewPacket => ({
  hash: h(`${pod}/${seq}`),
  kind: "measurement",
  pod,
  seq,
  timestampMs: Date.UTC(2026, 0, 1) + seq * 1000,
  publicKey: "0x04",
  signature: "0x",
  data: { pod, sequence: seq, activePowerW: 1 },
  receivedMs: Date.UTC(2026, 0, 1) + seq * 1000,
});

describe("BAL HTTP API access (SIWE sign-in, roles from chain)", function () {
  this.timeout(60_000);
  const customer = privateKeyToAccount(generatePrivateKey());
  const aggregator = privateKeyToAccount(generatePrivateKey());
  const dso = privateKeyToAccount(generatePrivateKey());
  const stranger = privateKeyToAccount(generatePrivateKey());
  const serviceToken = "service-token-of-the-dso-console";
  // what the chain says: customer owns POD_A's wallet, aggregator holds POD_A and POD_B, dso has the DSO role
  const access: PodAccess = {
    isDso: async (a) => a.toLowerCase() === dso.address.toLowerCase(),
    mayReadPod: async (a, pod) =>
      (a.toLowerCase() === customer.address.toLowerCase() && pod === POD_A) ||
      a.toLowerCase() === aggregator.address.toLowerCase(),
  };
  let now = Date.now();
  let store: ScdStore;
  let server: Server;
  let url: string;
  let host: string;

  before(async () => {
    store = await ScdStore.open(await openPglite());
    await store.insertPackets([packet(POD_A, 1), packet(POD_B, 1)]);
    const auth = new Auth({
      access,
      chainId: CHAIN_ID,
      services: [
        { name: "dso-console", tokenSha256: createHash("sha256").update(serviceToken).digest("hex"), allPods: true },
      ],
      clock: () => now,
    });
    const app = createBalApi({
      auth,
      store,
      chainId: CHAIN_ID,
      measurementAnchor: "0x",
      lightNodeRegistry: "0x",
      stats: () => ({}),
    });
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    host = `127.0.0.1:${port}`;
    url = `http://${host}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await store.close();
  });

  async function message(account: typeof customer, overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {}) {
    const { nonce } = (await (await fetch(`${url}/auth/nonce`)).json()) as { nonce: string };
    return createSiweMessage({
      address: account.address,
      chainId: CHAIN_ID,
      domain: host,
      nonce,
      uri: `${url}/`,
      version: "1",
      issuedAt: new Date(now),
      ...overrides,
    });
  }
  const verify = (msg: string, signature: Hex) =>
    fetch(`${url}/auth/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: msg, signature }),
    });
  async function signIn(account: typeof customer): Promise<string> {
    const msg = await message(account);
    const res = await verify(msg, await account.signMessage({ message: msg }));
    expect(res.status).to.equal(200);
    return ((await res.json()) as { token: string }).token;
  }
  const get = (path: string, token?: string) =>
    fetch(`${url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : undefined);

  const personal = [
    `/readings/${h(`${POD_A}/1`)}`,
    `/pods/${POD_A}/export?date=2026-01-01`,
    "/publications/0",
    "/light-nodes",
    "/anomalies",
    "/rejections",
  ];

  it("refuses every personal-data route without a session (401), and with a made-up token", async () => {
    for (const path of personal) expect((await get(path)).status, path).to.equal(401);
    for (const path of personal) expect((await get(path, "made-up")).status, path).to.equal(401);
  });

  it("keeps /health, /stats and /batches public", async () => {
    for (const path of ["/health", "/stats", "/batches"]) expect((await get(path)).status, path).to.equal(200);
  });

  it("refuses a sequential reading id (ids are packet hashes, not guessable)", async () => {
    const token = await signIn(dso);
    expect((await get("/readings/1", token)).status).to.equal(400);
  });

  it("lets a customer read its own PoD and nothing else", async () => {
    const token = await signIn(customer);
    expect((await get(`/readings/${h(`${POD_A}/1`)}`, token)).status).to.equal(200);
    expect((await get(`/pods/${POD_A}/export?date=2026-01-01`, token)).status).to.equal(200);
    expect((await get(`/readings/${h(`${POD_B}/1`)}`, token)).status).to.equal(404);
    expect((await get(`/pods/${POD_B}/export?date=2026-01-01`, token)).status).to.equal(403);
    expect((await get(`/anomalies?pod=${POD_B}`, token)).status).to.equal(403);
    for (const path of ["/light-nodes", "/rejections", "/anomalies"])
      expect((await get(path, token)).status, path).to.equal(403);
  });

  it("lets an aggregator read its PoDs, the DSO and a DSO service every PoD; a stranger none", async () => {
    const agg = await signIn(aggregator);
    expect((await get(`/pods/${POD_B}/export?date=2026-01-01`, agg)).status).to.equal(200);
    expect((await get("/light-nodes", agg)).status).to.equal(403);
    const d = await signIn(dso);
    for (const path of personal) expect((await get(path, d)).status, path).to.equal(200);
    for (const path of personal) expect((await get(path, serviceToken)).status, path).to.equal(200);
    const s = await signIn(stranger);
    expect((await get(`/readings/${h(`${POD_A}/1`)}`, s)).status).to.equal(404);
    expect((await get(`/pods/${POD_A}/export?date=2026-01-01`, s)).status).to.equal(403);
  });

  it("accepts the session cookie set by /auth/verify", async () => {
    const msg = await message(customer);
    const res = await verify(msg, await customer.signMessage({ message: msg }));
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).to.match(/bal_session=.*HttpOnly.*SameSite=Strict/i);
    const r = await fetch(`${url}/pods/${POD_A}/export?date=2026-01-01`, {
      headers: { cookie: cookie.split(";")[0]! },
    });
    expect(r.status).to.equal(200);
  });

  describe("refused sign-ins", () => {
    it("refuses a malformed body and a message that is not EIP-4361", async () => {
      expect(
        (
          await fetch(`${url}/auth/verify`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}",
          })
        ).status,
      ).to.equal(400);
      expect((await verify("hello", await customer.signMessage({ message: "hello" }))).status).to.equal(400);
    });
    it("refuses a nonce the BAL never issued, and a nonce used twice", async () => {
      const forged = createSiweMessage({
        address: customer.address,
        chainId: CHAIN_ID,
        domain: host,
        nonce: "abcdefgh12345678",
        uri: `${url}/`,
        version: "1",
      });
      expect((await verify(forged, await customer.signMessage({ message: forged }))).status).to.equal(401);
      const msg = await message(customer);
      const sig = await customer.signMessage({ message: msg });
      expect((await verify(msg, sig)).status).to.equal(200);
      expect((await verify(msg, sig)).status).to.equal(401);
    });
    it("refuses another domain, another chain, an expired message and a signature by another wallet", async () => {
      const other = await message(customer, { domain: "evil.example" });
      expect((await verify(other, await customer.signMessage({ message: other }))).status).to.equal(401);
      const chain = await message(customer, { chainId: 1 });
      expect((await verify(chain, await customer.signMessage({ message: chain }))).status).to.equal(401);
      const expired = await message(customer, { expirationTime: new Date(now - 1000) });
      expect((await verify(expired, await customer.signMessage({ message: expired }))).status).to.equal(401);
      const msg = await message(customer);
      expect((await verify(msg, await stranger.signMessage({ message: msg }))).status).to.equal(401);
    });
    it("ends a session when it expires and on logout", async () => {
      const token = await signIn(customer);
      await fetch(`${url}/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
      expect((await get(`/pods/${POD_A}/export?date=2026-01-01`, token)).status).to.equal(401);
      const token2 = await signIn(customer);
      now += 13 * 3600_000;
      expect((await get(`/pods/${POD_A}/export?date=2026-01-01`, token2)).status).to.equal(401);
      now = Date.now();
    });
  });
});
