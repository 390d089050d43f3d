// Market: the sessions with their gate-closure countdown, and for the chosen session its book (requests and
// offers), the clearing results and the inputs hash the clearing committed to.
import { useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { useSubgraph } from "../data/subgraph";
import {
  SESSIONS,
  SESSION_BOOK,
  type AwardRow,
  type OfferRow,
  type RequestRow,
  type SessionBook,
  type SessionRow,
} from "../data/queries";
import { QueryState } from "../components/States";
import { DataTable } from "../components/DataTable";
import { Countdown, useChainNow } from "../components/Countdown";
import { formatKw, formatPriceMilli, formatTime, NO_PRICE_CAP } from "../units";

export const requestColumns: ColumnDef<RequestRow, unknown>[] = [
  { header: "Request", accessorKey: "requestId" },
  { header: "Kind", accessorKey: "kind" },
  { header: "Status", accessorKey: "status" },
  { header: "Slot", accessorKey: "slotIndex" },
  { header: "Direction", accessorKey: "direction" },
  { header: "Target", accessorFn: (r) => `${r.targetKind} ${formatKw(r.targetPowerKw)}` },
  {
    header: "Max price",
    accessorFn: (r) =>
      BigInt(r.maxPriceMilliEurPerKw) >= NO_PRICE_CAP ? "no cap" : formatPriceMilli(BigInt(r.maxPriceMilliEurPerKw)),
  },
  { header: "Where", accessorFn: (r) => r.pom?.code ?? r.pods?.map((p) => p.code).join(" ") ?? "" },
];

const offerColumns: ColumnDef<OfferRow, unknown>[] = [
  { header: "Offer", accessorKey: "offerId" },
  { header: "PoD", accessorFn: (o) => o.pod.code },
  { header: "Kind", accessorKey: "kind" },
  { header: "Direction", accessorKey: "direction" },
  { header: "Status", accessorKey: "status" },
  {
    header: "Slots",
    accessorFn: (o) => (o.firstSlot === o.lastSlot ? String(o.firstSlot) : `${o.firstSlot}–${o.lastSlot}`),
  },
  { header: "Max", accessorFn: (o) => formatKw(o.maxQuantityKw) },
  { header: "From", accessorFn: (o) => formatPriceMilli(o.minPriceMilliEurPerKw) },
  {
    header: "Curve",
    accessorFn: (o) => o.steps.map((s) => `${s.quantityKw} kW @ ${formatPriceMilli(s.priceMilliEurPerKw)}`).join("; "),
  },
];

export const awardColumns: ColumnDef<AwardRow, unknown>[] = [
  { header: "Award", accessorKey: "awardIndex" },
  { header: "PoD", accessorFn: (a) => a.pod.code },
  { header: "Slot", accessorKey: "slotIndex" },
  { header: "Request", accessorFn: (a) => `${a.request.kind} #${a.request.requestId}` },
  { header: "Offer", accessorFn: (a) => a.offer.offerId },
  { header: "Awarded", accessorFn: (a) => formatKw(a.quantityKw) },
  { header: "Price", accessorFn: (a) => formatPriceMilli(a.priceMilliEurPerKw) },
  { header: "Validation", accessorKey: "verdict" },
  { header: "Final", accessorFn: (a) => (a.finalQuantityKw === null ? "" : formatKw(a.finalQuantityKw)) },
];

export default function MarketPage() {
  const sessions = useSubgraph<{ sessions: SessionRow[] }>("sessions", SESSIONS);
  const [chosen, setChosen] = useState<string | undefined>();
  const now = useChainNow();
  const selected = chosen ?? sessions.data?.sessions[0]?.id;
  const sessionColumns = useMemo<ColumnDef<SessionRow, unknown>[]>(
    () => [
      { header: "Session", accessorKey: "sessionId" },
      { header: "Kind", accessorFn: (s) => (s.kind === "DayAhead" ? "day-ahead" : `real-time #${s.realTimeIndex}`) },
      { header: "Day", accessorKey: "day" },
      { header: "Status", accessorKey: "status" },
      { header: "Gate closure", accessorFn: (s) => formatTime(s.gateClosureTime) },
      {
        header: "Countdown",
        id: "countdown",
        accessorFn: (s) => Number(s.gateClosureTime),
        cell: (c) => <Countdown targetSeconds={Number(c.row.original.gateClosureTime)} nowSeconds={now} />,
      },
      { header: "Awards", accessorKey: "awardCount" },
      {
        header: "",
        id: "open",
        cell: (c) => (
          <button
            type="button"
            onClick={() => setChosen(c.row.original.id)}
            aria-pressed={c.row.original.id === selected}
          >
            Show book
          </button>
        ),
      },
    ],
    [now, selected],
  );
  return (
    <section aria-labelledby="market-title">
      <h2 id="market-title">Market sessions</h2>
      <QueryState
        what="sessions"
        query={sessions}
        isEmpty={(d) => d.sessions.length === 0}
        empty="No session yet: the market operator creates the day-ahead session on day D−1."
      >
        {(d) => (
          <DataTable
            caption="Sessions, newest first"
            rows={d.sessions}
            columns={sessionColumns}
            exportName="sessions"
          />
        )}
      </QueryState>
      {selected && <SessionDetail id={selected} />}
    </section>
  );
}

function SessionDetail({ id }: { id: string }) {
  const book = useSubgraph<SessionBook>("session-book", SESSION_BOOK, { id });
  return (
    <QueryState
      what="the session's book"
      query={book}
      isEmpty={(d) => !d.session}
      empty="This session is not indexed yet."
    >
      {(d) => {
        const s = d.session!;
        return (
          <div className="session-detail">
            <h3>
              Session {s.sessionId} — {s.status}
            </h3>
            <p className="muted">
              Opened {formatTime(s.openingTime)}, gate closure {formatTime(s.gateClosureTime)}; inputs hash{" "}
              <code>{s.inputsHash ?? "not yet posted"}</code>.
            </p>
            <p className="notice">
              UNFINISHED: re-running the clearing in the browser against the posted inputs hash needs the clearing core
              (oracles/market/clearing with its HiGHS solver) bundled for the browser; anyone can re-run it today with{" "}
              <code>flexgrid</code> and challenge through MeritOrderChallenge.
            </p>
            <h4>Requests</h4>
            {s.requests.length ? (
              <DataTable
                caption={`Requests of session ${s.sessionId}`}
                rows={s.requests}
                columns={requestColumns}
                exportName={`session-${s.sessionId}-requests`}
              />
            ) : (
              <p className="state state-empty">No request in this session.</p>
            )}
            <h4>Offers</h4>
            {s.offers.length ? (
              <DataTable
                caption={`Offers of session ${s.sessionId}`}
                rows={s.offers}
                columns={offerColumns}
                exportName={`session-${s.sessionId}-offers`}
              />
            ) : (
              <p className="state state-empty">No offer in this session.</p>
            )}
            <h4>Clearing results</h4>
            {s.awards.length ? (
              <DataTable
                caption={`Awards of session ${s.sessionId}`}
                rows={s.awards}
                columns={awardColumns}
                exportName={`session-${s.sessionId}-awards`}
              />
            ) : (
              <p className="state state-empty">No award posted (yet).</p>
            )}
          </div>
        );
      }}
    </QueryState>
  );
}
