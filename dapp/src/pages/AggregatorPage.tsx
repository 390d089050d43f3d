// Aggregator: its PoDs (prequalification, limits, PoM), baselines by CSV upload, offers with a price-step curve
// editor bounded by the PoD's qualified limits, its awards with validation, and settlement exports.
import { useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { useAccount } from "wagmi";
import { useSubgraph } from "../data/subgraph";
import { AGGREGATOR_VIEW, type AggregatorView, type PodRow } from "../data/queries";
import { QueryState } from "../components/States";
import { DataTable } from "../components/DataTable";
import { formatKw, formatMicroEur, formatPriceMilli, periodOf } from "../units";
import { BaselineForm } from "./aggregator/BaselineForm";
import { OfferForm } from "./aggregator/OfferForm";
import { PodForm } from "./aggregator/PodForm";

const podColumns: ColumnDef<PodRow, unknown>[] = [
  { header: "PoD", accessorKey: "code" },
  { header: "Status", accessorKey: "status" },
  { header: "Voltage", accessorKey: "voltageLevel" },
  { header: "PoM", accessorFn: (p) => p.pom?.code ?? "not mapped" },
  {
    header: "Prequalification",
    accessorKey: "qualification",
    cell: (c) => (
      <span className={`light light-${c.row.original.qualification.toLowerCase()}`}>
        {c.row.original.qualification}
      </span>
    ),
  },
  { header: "Qualified up", accessorFn: (p) => formatKw(p.qualifiedUpKw) },
  { header: "Qualified down", accessorFn: (p) => formatKw(p.qualifiedDownKw) },
  { header: "Declared max up/down", accessorFn: (p) => `${p.maxUpKw} / ${p.maxDownKw} kW` },
];

type AwardWithSession = AggregatorView["awards"][number];
type SettlementPeriod = "all" | "day" | "week" | "month";
const awardColumns: ColumnDef<AwardWithSession, unknown>[] = [
  { header: "Session", accessorFn: (a) => a.session.sessionId },
  { header: "Day", accessorFn: (a) => a.session.day },
  { header: "PoD", accessorFn: (a) => a.pod.code },
  { header: "Slot", accessorKey: "slotIndex" },
  { header: "Awarded", accessorFn: (a) => formatKw(a.quantityKw) },
  { header: "Price", accessorFn: (a) => formatPriceMilli(a.priceMilliEurPerKw) },
  { header: "Validation", accessorKey: "verdict" },
  { header: "Final", accessorFn: (a) => (a.finalQuantityKw === null ? "" : formatKw(a.finalQuantityKw)) },
  {
    header: "Delivered",
    accessorFn: (a) => (a.settlement ? `${(Number(a.settlement.deliveredW) / 1000).toFixed(1)} kW` : "not settled"),
  },
  {
    header: "Effectiveness",
    accessorFn: (a) => (a.settlement ? `${(Number(a.settlement.effectivenessBps) / 100).toFixed(1)} %` : ""),
  },
  { header: "Reward", accessorFn: (a) => (a.settlement ? formatMicroEur(a.settlement.rewardMicroEur) : "") },
  { header: "Penalty", accessorFn: (a) => (a.settlement ? formatMicroEur(a.settlement.penaltyMicroEur) : "") },
];

export default function AggregatorPage() {
  const { address } = useAccount();
  const view = useSubgraph<AggregatorView>(
    "aggregator",
    AGGREGATOR_VIEW,
    { aggregator: address?.toLowerCase() ?? "" },
    { enabled: Boolean(address) },
  );
  const [settlementPeriod, setSettlementPeriod] = useState<SettlementPeriod>("all");
  if (!address) return <p className="state state-empty">Connect an aggregator account.</p>;
  return (
    <section aria-labelledby="aggregator-title">
      <h2 id="aggregator-title">Aggregator</h2>
      <QueryState what="your PoDs" query={view} isEmpty={() => false} empty="">
        {(d) => (
          <AggregatorContent view={d} settlementPeriod={settlementPeriod} setSettlementPeriod={setSettlementPeriod} />
        )}
      </QueryState>
    </section>
  );
}

function AggregatorContent({
  view,
  settlementPeriod,
  setSettlementPeriod,
}: {
  view: AggregatorView;
  settlementPeriod: SettlementPeriod;
  setSettlementPeriod: (p: SettlementPeriod) => void;
}) {
  const [period, setPeriod] = useState<string | undefined>();
  const settled = useMemo(
    () =>
      view.awards.filter(
        (a) => a.settlement && (settlementPeriod === "all" || periodOf(a.session.day, settlementPeriod) === period),
      ),
    [view.awards, settlementPeriod, period],
  );
  const periods =
    settlementPeriod === "all" ? [] : [...new Set(view.awards.map((a) => periodOf(a.session.day, settlementPeriod)))];
  return (
    <>
      <h3>Your PoDs</h3>
      {view.pods.length ? (
        <DataTable caption="PoDs you registered" rows={view.pods} columns={podColumns} exportName="pods" />
      ) : (
        <p className="state state-empty">You have registered no PoD yet (flexgrid pod register).</p>
      )}
      <PodForm pods={view.pods} />
      <div className="forms">
        <BaselineForm pods={view.pods} sessions={view.sessions} />
        <OfferForm pods={view.pods} sessions={view.sessions} />
      </div>
      <h3>Results and validation</h3>
      {view.awards.length ? (
        <DataTable caption="Your awards, newest first" rows={view.awards} columns={awardColumns} exportName="awards" />
      ) : (
        <p className="state state-empty">
          No award yet: results appear after the clearing of a session you offered in.
        </p>
      )}
      <h3>Settlement</h3>
      <div className="table-tools">
        <label htmlFor="settlement-period">Period</label>
        <select
          id="settlement-period"
          value={settlementPeriod}
          onChange={(e) => {
            setSettlementPeriod(e.target.value as SettlementPeriod);
            setPeriod(undefined);
          }}
        >
          <option value="all">all days</option>
          <option value="day">one day</option>
          <option value="week">one week</option>
          <option value="month">one month</option>
        </select>
        {settlementPeriod !== "all" && (
          <select
            aria-label={`Settlement ${settlementPeriod}`}
            value={period ?? ""}
            onChange={(e) => setPeriod(e.target.value)}
          >
            <option value="">choose a {settlementPeriod}</option>
            {periods.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        )}
      </div>
      {settled.length ? (
        <DataTable
          caption="Settled awards"
          rows={settled}
          columns={awardColumns}
          exportName={`settlement-${settlementPeriod === "all" ? "all" : period}`}
        />
      ) : (
        <p className="state state-empty">Nothing settled in this period.</p>
      )}
    </>
  );
}
