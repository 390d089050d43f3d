// End-to-end: the dApp in Debian's Chromium (playwright-core) against the whole local stack started by the repo's
// own launcher on free ports, with the simulated Tor di Valle day producing sessions, offers, awards and verdicts.
// Screenshots of every page go to dapp/test-results/screenshots (git-ignored).
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { createPublicClient, createWalletClient, http, type Hex } from "viem";
import { startE2eStack, type E2eStack } from "./stack";
import { flexMarketAbi, podRegistryAbi } from "../src/generated/contracts";
import { podIdToBytes32 } from "../../protocol/src/ids";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = path.resolve(__dirname, "..", "test-results", "screenshots");
const DAY = 86_400;

describe("dApp end to end (local stack + Chromium)", function () {
  this.timeout(600_000);
  let stack: E2eStack;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;

  const shot = async (name: string) => {
    await page.waitForTimeout(400); // charts draw on the next frame
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const response = await fetch(stack.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await response.json()) as { result: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  };
  const chainNow = async () =>
    Number(BigInt((await rpc<{ timestamp: Hex }>("eth_getBlockByNumber", ["latest", false])).timestamp));
  const graph = async <T>(query: string): Promise<T> => {
    const response = await fetch(stack.subgraphUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    return ((await response.json()) as { data: T }).data;
  };
  const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs = 240_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}\n${stack.log().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  };
  const connectAs = async (name: string) => {
    if (!page.url().startsWith(stack.dappUrl)) await page.goto(stack.dappUrl);
    const panel = page.locator("details.dev-accounts");
    if (!(await panel.getAttribute("open").then((v) => v !== null))) await panel.locator("summary").click();
    await page.getByTestId(`dev:${name}`).click();
    await expect(await page.getByTestId("connected-address").textContent()).to.include(stack.deployment.accounts[name]);
    await page.waitForFunction(
      () => !document.querySelector("[data-testid=roles]")?.textContent?.includes("reading roles"),
    );
  };
  const go = async (route: string, heading: string) => {
    await page.goto(`${stack.dappUrl}/#/${route}`);
    await page.getByRole("heading", { name: heading, level: 2 }).waitFor();
  };

  before(async function () {
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startE2eStack();
    profile = mkdtempSync(path.join(os.tmpdir(), "flexgrid-chromium-"));
    // A fresh profile per run (Playwright's persistent context is how a --user-data-dir is given).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1366, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && page)
      await page.screenshot({
        path: path.join(SCREENSHOTS, `failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, "-")}.png`),
        fullPage: true,
      });
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("serves the first page with the market sessions and prints its first paint", async function () {
    const started = Date.now();
    await page.goto(stack.dappUrl);
    await page.getByRole("heading", { name: "Market sessions" }).waitFor();
    const meaningful = Date.now() - started;
    const paint = await page.evaluate(() =>
      performance.getEntriesByType("paint").map((p) => `${p.name} ${p.startTime.toFixed(0)} ms`),
    );
    console.log(`      first page: market heading after ${meaningful} ms (${paint.join(", ")})`);
    await shot("01-market-disconnected");
  });

  it("connects as each named account and shows the pages its on-chain roles allow", async function () {
    const expected: Record<string, { roles: string[]; pages: string[] }> = {
      dso: { roles: ["DSO"], pages: ["DSO"] },
      tso: { roles: ["TSO"], pages: ["TSO"] },
      marketOperator: { roles: ["MARKET_OPERATOR"], pages: ["Market"] },
      "aggregator:ACEAE": { roles: ["AGGREGATOR"], pages: ["Aggregator"] },
    };
    await page.goto(stack.dappUrl);
    for (const [name, want] of Object.entries(expected)) {
      await connectAs(name);
      const roles = (await page.getByTestId("roles").textContent()) ?? "";
      for (const role of want.roles) expect(roles, name).to.include(role);
      const nav = (await page.getByRole("navigation", { name: "Pages" }).textContent()) ?? "";
      for (const p of want.pages) expect(nav, name).to.include(p);
      if (name !== "dso") expect(nav, name).not.to.include("DSO");
      await shot(`02-connected-${name.replace(":", "-")}`);
    }
  });

  it("shows the simulated day's results and validation to the aggregator, the DSO and the TSO", async function () {
    await waitUntil("the simulated day's validated awards in the subgraph", async () => {
      const d = await graph<{ validations: unknown[] }>("{ validations(first: 1) { id } }");
      return d.validations.length > 0;
    });
    const { sessions } = await graph<{ sessions: { sessionId: string }[] }>(
      "{ sessions(where: { awardCount_gt: 0 }, first: 1) { sessionId } }",
    );
    await go("market", "Market sessions");
    await page
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: sessions[0]!.sessionId, exact: true }) })
      .getByRole("button", { name: "Show book" })
      .click();
    await page.getByRole("heading", { name: "Clearing results" }).waitFor();
    await page.getByRole("table", { name: /^Awards of session/ }).waitFor();
    await shot("03-market-session-book");
    await connectAs("aggregator:ACEAE");
    await go("aggregator", "Aggregator");
    await page.getByRole("heading", { name: "Results and validation" }).waitFor();
    const results = page.getByRole("table", { name: "Your awards, newest first" });
    await results.waitFor();
    expect(await results.locator("tbody tr").count()).to.be.greaterThan(0);
    const verdicts = await results.locator("tbody").textContent();
    expect(verdicts).to.match(/Ok|Ko|Partial/);
    await shot("04-aggregator-results");
    await connectAs("dso");
    await go("dso", "DSO");
    await page.getByRole("table", { name: "Technical validation of the awards" }).waitFor();
    await page.getByRole("table", { name: "DSO requests" }).waitFor();
    await shot("05-dso");
    await connectAs("tso");
    await go("tso", "TSO requests per PoM");
    await page.getByRole("table", { name: "TSO requests and their outcome" }).waitFor();
    await shot("06-tso");
    await go("kpis", "KPIs");
    await page.getByRole("table", { name: "Daily KPIs" }).waitFor();
    await shot("07-kpis");
  });

  it("registers a new PoD as an aggregator and sees it among its PoDs, awaiting prequalification", async function () {
    await connectAs("aggregator:ACEAE_2");
    await go("aggregator", "Aggregator");
    const form = page.locator("form", { hasText: "Register or edit a PoD" });
    await form.locator("#pod-code").fill("IT002E99999901");
    await form.locator("#pod-maxDownKw").fill("4");
    await form.getByRole("button", { name: "Register PoD" }).click();
    await form.getByTestId("tx-confirmed").waitFor({ timeout: 60_000 });
    const row = page.getByRole("table", { name: "PoDs you registered" }).getByRole("row", { name: /IT002E99999901/ });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).to.include("Pending");
    await shot("15-pod-registered");
  });

  describe("a session opened for the test", function () {
    let sessionId: bigint;
    let day: number;
    let gateClosureTime: number;
    const pod = "IT002E61899978";

    before(async function () {
      // The market operator (an unlocked account of the local node) opens a day-ahead session ten days ahead.
      const transport = http(stack.rpcUrl);
      const operator = createWalletClient({ transport, account: stack.deployment.accounts.marketOperator as Hex });
      const client = createPublicClient({ transport });
      const market = stack.deployment.contracts.FlexMarket!.address as Hex;
      const now = await chainNow();
      // Ten days ahead, or the first day after that without a session (a reused stack may have had this test).
      day = Math.floor(now / DAY) + 10;
      while (
        (await client.readContract({
          address: market,
          abi: flexMarketAbi,
          functionName: "sessionIdOf",
          args: [0, day, 0],
        })) !== 0n
      )
        day++;
      const dayStartTime = day * DAY - 7_200;
      gateClosureTime = dayStartTime - 12 * 3_600;
      const hash = await operator.writeContract({
        chain: null,
        address: market,
        abi: flexMarketAbi,
        functionName: "createSession",
        args: [0, day, 0, BigInt(dayStartTime), BigInt(now + 2), BigInt(gateClosureTime)],
      });
      await client.waitForTransactionReceipt({ hash });
      sessionId = await client.readContract({
        address: market,
        abi: flexMarketAbi,
        functionName: "sessionIdOf",
        args: [0, day, 0],
      });
      await rpc("evm_increaseTime", [5]);
      await rpc("evm_mine");
      await waitUntil(
        "the new session in the subgraph",
        async () => {
          const d = await graph<{ session: { id: string } | null }>(`{ session(id: "${sessionId}") { id } }`);
          return Boolean(d.session);
        },
        60_000,
      );
      await connectAs("aggregator:ACEAE");
      await go("aggregator", "Aggregator");
      await page.locator("#offer-session").waitFor();
    });

    const baselineHash = async () =>
      createPublicClient({ transport: http(stack.rpcUrl) }).readContract({
        address: stack.deployment.contracts.PodRegistry!.address as Hex,
        abi: podRegistryAbi,
        functionName: "baselineHashOf",
        args: [podIdToBytes32(pod), day],
      });

    it("refuses a malformed baseline CSV with a clear message and writes nothing", async function () {
      await page.selectOption("#baseline-pod", pod);
      await page.selectOption("#baseline-day", String(day));
      const lines = ["slot,kW", ...Array.from({ length: 95 }, (_, s) => `${s},${s === 7 ? "abc" : 40}`)];
      await page.setInputFiles("#baseline-file", {
        name: "bad.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(lines.join("\n")),
      });
      await page.getByRole("button", { name: "Submit baseline" }).click();
      const errors = (await page.getByTestId("baseline-errors").textContent()) ?? "";
      expect(errors).to.include("line 9");
      expect(errors).to.include("not a number");
      await shot("08-baseline-malformed");
      expect(await baselineHash()).to.equal(`0x${"0".repeat(64)}`);
    });

    it("uploads a good baseline CSV and sees it confirmed on chain", async function () {
      const lines = ["slot,kW", ...Array.from({ length: 96 }, (_, s) => `${s},${40 + (s % 4)}`)];
      await page.setInputFiles("#baseline-file", {
        name: "good.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(lines.join("\n")),
      });
      await page.getByRole("button", { name: "Submit baseline" }).click();
      await page.locator("form", { hasText: "Baseline" }).getByTestId("tx-confirmed").waitFor({ timeout: 60_000 });
      expect(await baselineHash()).not.to.equal(`0x${"0".repeat(64)}`);
      await shot("09-baseline-confirmed");
    });

    it("submits an offer before gate closure and sees the same offer refused after it", async function () {
      const offerForm = page.locator("form", { hasText: "Price steps" });
      await page.selectOption("#offer-session", String(sessionId));
      await page.selectOption("#offer-pod", pod);
      await offerForm.locator("input[type=radio][value=Down]").check(); // the PoD is qualified downward only
      await page.fill("#offer-first", "50");
      await page.fill("#step-0-kw", "5");
      await page.fill("#step-0-price", "0.25");
      await offerForm.getByRole("button", { name: "Submit offer" }).click();
      await offerForm.getByTestId("tx-confirmed").waitFor({ timeout: 60_000 });
      await shot("10-offer-confirmed");

      await rpc("evm_increaseTime", [gateClosureTime - (await chainNow()) + 1]);
      await rpc("evm_mine");
      await offerForm.getByRole("button", { name: "Submit offer" }).click();
      const failed = offerForm.getByTestId("tx-failed");
      await failed.waitFor({ timeout: 60_000 });
      expect(await failed.getAttribute("data-error")).to.equal("FlexMarketGateClosed");
      expect(await failed.textContent()).to.include("offers are no longer accepted");
      await shot("11-offer-refused-after-gate");
    });

    it("shows the baseline form locked after the day-ahead gate closed, with the reason", async function () {
      await page.selectOption("#baseline-day", String(day));
      await page.getByTestId("baseline-locked").waitFor({ timeout: 30_000 });
      expect(await page.getByRole("button", { name: "Submit baseline" }).isDisabled()).to.equal(true);
    });
  });

  describe("certified readings", function () {
    let certificate: Record<string, unknown>;

    before(async function () {
      await waitUntil(
        "an anchored reading at the BAL",
        async () => {
          // The BAL answers personal data only to a signed-in party or a service: the stack's operator token.
          const today = new Date().toISOString().slice(0, 10);
          const response = await fetch(
            `${stack.balUrl}/pods/IT002E61899978/export?period=day&date=${today}&format=json`,
            {
              headers: { authorization: `Bearer ${stack.balToken()}` },
            },
          );
          if (!response.ok) return false;
          const { readings } = (await response.json()) as { readings: Record<string, unknown>[] };
          const anchored = readings.find((r) => (r.batch as { status?: string } | null)?.status === "anchored");
          if (anchored) certificate = anchored;
          return anchored !== undefined;
        },
        120_000,
      );
      await go("customer", "Customer");
    });

    const verifyPasted = async (text: string) => {
      const form = page.locator("form", { hasText: "Verify a certified reading" });
      await form.locator("textarea").fill(text);
      await form.getByRole("button", { name: "Verify certificate" }).click();
      const result = form.getByTestId("verify-result");
      await result.waitFor({ timeout: 30_000 });
      return result;
    };

    it("verifies a reading in the browser: hash, signature, Merkle proof, anchored root and key on chain", async function () {
      const result = await verifyPasted(JSON.stringify(certificate));
      expect(await result.getAttribute("data-ok"), (await result.textContent()) ?? "").to.equal("true");
      expect(await result.textContent()).to.include("anchor contract confirms");
      await shot("12-reading-verified");
    });

    it("rejects a tampered reading", async function () {
      const tampered = structuredClone(certificate) as { packet: { data: { activePowerW: number } } };
      tampered.packet.data.activePowerW += 1_000;
      const result = await verifyPasted(JSON.stringify(tampered));
      expect(await result.getAttribute("data-ok")).to.equal("false");
      expect(await result.textContent()).to.include("it was altered");
      await shot("13-reading-tampered");
    });

    it("asks the BAL for Sign-In with Ethereum before fetching personal readings", async function () {
      await connectAs("aggregator:ACEAE");
      await go("customer", "Customer");
      await page.getByRole("button", { name: "Sign in with Ethereum" }).click();
      const error = page.getByTestId("signin-error");
      await error.waitFor({ timeout: 30_000 });
      // UNFINISHED on the BAL side: until /auth/nonce exists the client must say so and fetch nothing.
      expect(await error.textContent()).to.match(/does not offer sign-in yet|sign-in refused/);
      await page.getByRole("heading", { name: "History" }).waitFor({ timeout: 30_000 });
      expect(await page.getByText("Could not load your token history").count()).to.equal(0);
      await shot("14-customer");
    });

    // UNFINISHED: needs the BAL's SIWE endpoints (GET /auth/nonce, POST /auth/verify) and per-PoD authorisation.
    it("a customer cannot read another customer's readings");
  });
});
