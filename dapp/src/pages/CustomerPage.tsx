// Customer: reward token balance and history, activations with how each was paid or penalised, and its PoD's
// certified readings with a "verify" button that checks hash, signature and Merkle proof in the browser and the
// anchored root and key on chain. Readings are personal data: they are fetched after Sign-In with Ethereum.
import { useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { useAccount, usePublicClient, useReadContract, useSignMessage } from "wagmi";
import { useQuery } from "@tanstack/react-query";
import { rewardTokenAbi } from "../generated/contracts";
import { useContractAddress, useRuntime } from "../RuntimeContext";
import { useSubgraph } from "../data/subgraph";
import { TOKEN_HOLDER, type TokenHolderView } from "../data/queries";
import { QueryState, ErrorBox, Loading } from "../components/States";
import { DataTable } from "../components/DataTable";
import { formatMicroEur, formatTime } from "../units";
import { verifyCertificate, type Certificate, type VerifyOutcome } from "../chain/verifyReading";
import { authHeaders, signIn, SignInUnavailableError, type SiweSession } from "../chain/siwe";

type Transfer = TokenHolderView["tokenTransfers"][number];
type Settlement = TokenHolderView["awardSettlements"][number];

export default function CustomerPage() {
  const { address } = useAccount();
  const token = useContractAddress("RewardToken");
  const balance = useReadContract({
    address: token,
    abi: rewardTokenAbi,
    functionName: "balanceOf",
    args: [address!],
    query: { enabled: Boolean(address && token), refetchInterval: 4_000 },
  });
  const holder = address?.toLowerCase() ?? "";
  const history = useSubgraph<TokenHolderView>(
    "token-holder",
    TOKEN_HOLDER,
    { id: holder, holder, wallet: holder },
    { enabled: Boolean(address) },
  );
  if (!address)
    return (
      <section aria-labelledby="customer-title">
        <h2 id="customer-title">Customer</h2>
        <p className="state state-empty">Connect your wallet to see your rewards and readings.</p>
        <VerifyPasted />
      </section>
    );
  const transferColumns: ColumnDef<Transfer, unknown>[] = [
    { header: "When", accessorFn: (t) => formatTime(t.timestamp) },
    {
      header: "Kind",
      accessorFn: (t) =>
        t.from.id === "0x0000000000000000000000000000000000000000"
          ? "reward"
          : t.to.id === "0x0000000000000000000000000000000000000000"
            ? "penalty"
            : t.to.id === holder
              ? "received"
              : "sent",
    },
    { header: "Amount", accessorFn: (t) => formatMicroEur(t.to.id === holder ? t.value : -BigInt(t.value)) },
  ];
  const settlementColumns: ColumnDef<Settlement, unknown>[] = [
    { header: "Session", accessorFn: (s) => s.session.sessionId },
    { header: "PoD", accessorFn: (s) => s.pod.code },
    { header: "Delivered", accessorFn: (s) => `${(Number(s.deliveredW) / 1000).toFixed(1)} kW` },
    { header: "Effectiveness", accessorFn: (s) => `${(Number(s.effectivenessBps) / 100).toFixed(1)} %` },
    { header: "Paid", accessorFn: (s) => formatMicroEur(s.mintedMicroEur) },
    { header: "Penalised", accessorFn: (s) => formatMicroEur(s.burnedMicroEur) },
  ];
  return (
    <section aria-labelledby="customer-title">
      <h2 id="customer-title">Customer</h2>
      <div className="card balance">
        <h3>Reward tokens</h3>
        {balance.isLoading ? (
          <Loading what="your balance" />
        ) : balance.error ? (
          <ErrorBox title="Could not read your balance" error={balance.error} />
        ) : (
          <p className="big" data-testid="token-balance">
            {formatMicroEur(balance.data ?? 0n)}
          </p>
        )}
      </div>
      <QueryState what="your token history" query={history} isEmpty={() => false} empty="">
        {(d) => (
          <>
            <h3>History</h3>
            {d.tokenTransfers.length ? (
              <DataTable
                caption="Token movements"
                rows={d.tokenTransfers}
                columns={transferColumns}
                exportName="token-history"
              />
            ) : (
              <p className="state state-empty">No reward or penalty yet.</p>
            )}
            <h3>Activations</h3>
            {d.awardSettlements.length ? (
              <DataTable
                caption="Your activations and how each was paid"
                rows={d.awardSettlements}
                columns={settlementColumns}
                exportName="activations"
              />
            ) : (
              <p className="state state-empty">No settled activation for this wallet.</p>
            )}
          </>
        )}
      </QueryState>
      <Readings address={address} />
      <VerifyPasted />
    </section>
  );
}

function useVerify() {
  const client = usePublicClient();
  const anchor = useContractAddress("MeasurementAnchor");
  return async (certificate: unknown): Promise<VerifyOutcome> => {
    if (!client || !anchor) throw new Error("no chain client or MeasurementAnchor in this deployment");
    return verifyCertificate(certificate, client, anchor);
  };
}

function Readings({ address }: { address: `0x${string}` }) {
  const runtime = useRuntime();
  const { signMessageAsync } = useSignMessage();
  const [session, setSession] = useState<SiweSession | undefined>();
  const [signInError, setSignInError] = useState<string | undefined>();
  const [pod, setPod] = useState("");
  const [date, setDate] = useState(() => new Date().toISOString().slice(0, 10));
  const readings = useQuery({
    queryKey: ["readings", pod, date, session?.token],
    enabled: Boolean(session && pod),
    queryFn: async () => {
      const response = await fetch(
        `${runtime.balUrl}/pods/${encodeURIComponent(pod)}/export?period=day&date=${date}&format=json`,
        {
          headers: authHeaders(session),
        },
      );
      if (response.status === 401 || response.status === 403)
        throw new Error("The BAL refused: this PoD is not yours.");
      if (!response.ok) throw new Error(`the BAL answered ${response.status}`);
      return ((await response.json()) as { readings: Certificate[] }).readings;
    },
  });
  return (
    <div className="card">
      <h3>My certified readings</h3>
      {!session ? (
        <>
          <p className="muted">
            Readings are personal data: sign in with your wallet so the BAL serves only your own PoDs.
          </p>
          <button
            type="button"
            onClick={async () => {
              setSignInError(undefined);
              try {
                setSession(
                  await signIn({
                    balUrl: runtime.balUrl,
                    address,
                    chainId: runtime.chainId,
                    signMessage: (message) => signMessageAsync({ message }),
                  }),
                );
              } catch (error) {
                setSignInError(
                  error instanceof SignInUnavailableError
                    ? `${error.message} UNFINISHED: readings stay unavailable here until it does.`
                    : (error as Error).message,
                );
              }
            }}
          >
            Sign in with Ethereum
          </button>
          {signInError && (
            <p className="tx tx-failed" role="alert" data-testid="signin-error">
              {signInError}
            </p>
          )}
        </>
      ) : (
        <>
          <div className="row">
            <div>
              <label htmlFor="reading-pod">PoD</label>
              <input
                id="reading-pod"
                value={pod}
                onChange={(e) => setPod(e.target.value.trim())}
                placeholder="IT002E…"
              />
            </div>
            <div>
              <label htmlFor="reading-date">Day</label>
              <input id="reading-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
            </div>
          </div>
          {readings.isLoading && <Loading what="readings" />}
          {readings.error && <ErrorBox title="Could not load readings" error={readings.error} />}
          {readings.data && <ReadingList readings={readings.data} />}
        </>
      )}
    </div>
  );
}

export function ReadingList({ readings }: { readings: Certificate[] }) {
  if (readings.length === 0) return <p className="state state-empty">No reading on that day.</p>;
  return (
    <ul className="readings">
      {readings.slice(-50).map((r) => (
        <ReadingItem key={r.packet.hash} certificate={r} />
      ))}
    </ul>
  );
}

function ReadingItem({ certificate }: { certificate: Certificate }) {
  const verify = useVerify();
  const [outcome, setOutcome] = useState<VerifyOutcome | string | undefined>();
  const data = certificate.packet.data as { timestampMs?: number; activePowerW?: number };
  return (
    <li>
      <span>
        {data.timestampMs ? new Date(data.timestampMs).toLocaleString("en-GB") : ""} — {data.activePowerW ?? "?"} W
      </span>
      <button
        type="button"
        onClick={() => {
          setOutcome(undefined);
          verify(certificate).then(setOutcome, (e: Error) => setOutcome(e.message));
        }}
      >
        Verify
      </button>
      <VerifyResult outcome={outcome} />
    </li>
  );
}

function VerifyResult({ outcome }: { outcome: VerifyOutcome | string | undefined }) {
  if (outcome === undefined) return null;
  if (typeof outcome === "string")
    return (
      <p className="tx tx-failed" role="alert">
        {outcome}
      </p>
    );
  return (
    <div
      className={outcome.ok ? "verify verify-ok" : "verify verify-ko"}
      role="status"
      data-testid="verify-result"
      data-ok={outcome.ok}
    >
      <strong>{outcome.ok ? "Verified: this reading is certified on chain." : "NOT verified."}</strong>
      <ul>
        {outcome.checks.map((c) => (
          <li key={c.check}>
            {c.ok ? "✔" : "✘"} {c.check}: {c.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Verify any certificate a person holds (e.g. one the BAL mailed, or downloaded by `flexgrid reading`). */
function VerifyPasted() {
  const verify = useVerify();
  const [text, setText] = useState("");
  const [outcome, setOutcome] = useState<VerifyOutcome | string | undefined>();
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        setOutcome(undefined);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return setOutcome("That is not JSON: paste the certificate as the BAL gave it.");
        }
        verify(parsed).then(setOutcome, (err: Error) => setOutcome(err.message));
      }}
    >
      <h3>Verify a certified reading</h3>
      <label htmlFor="certificate">Certificate (JSON)</label>
      <textarea id="certificate" rows={5} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit">Verify certificate</button>
      <VerifyResult outcome={outcome} />
    </form>
  );
}
