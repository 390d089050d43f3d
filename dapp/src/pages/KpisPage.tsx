// KPIs of the field test over time, from the subgraph's daily aggregates, against the seeds' targets
// (../shared/DESIGN.md §KPIs: PR_03 ≥ 20 %, PR_04 ≥ 70 %, IT_01 > 150 %, IT_02 ≤ 25 %, IT_03 ≤ 30 %).
import { lazy, Suspense } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { useSubgraph } from "../data/subgraph";
import { KPIS, type KpiRow, type KpisView } from "../data/queries";
import { QueryState } from "../components/States";
import { DataTable } from "../components/DataTable";
import { formatMicroEur } from "../units";

const Chart = lazy(() => import("../components/Chart"));

export const KPI_TARGETS = [
  { id: "PR_01", name: "Recruitment", target: "PoDs registered", source: "platform" },
  {
    id: "PR_02",
    name: "Participation",
    target: "PoDs offering / registered",
    source: "UNFINISHED: needs per-day offering PoDs",
  },
  {
    id: "PR_03",
    name: "Availability (offered / baseline)",
    target: "≥ 20 %",
    source: "UNFINISHED: baseline sums are not indexed",
  },
  { id: "PR_04", name: "Effectiveness (provided / setpoint)", target: "≥ 70 %", source: "settlements" },
  { id: "IT_01", name: "Liquidity (offered / requested)", target: "> 150 %", source: "daily KPIs" },
  { id: "IT_02", name: "Customer forecast MAPE", target: "≤ 25 %", source: "UNFINISHED: forecasts are off chain" },
  { id: "IT_03", name: "Grid forecast MAPE", target: "≤ 30 %", source: "UNFINISHED: forecasts are off chain" },
] as const;

export function liquidityPercent(row: Pick<KpiRow, "offeredKw" | "requestedKw">): number | null {
  const requested = Number(row.requestedKw);
  return requested > 0 ? (100 * Number(row.offeredKw)) / requested : null;
}

export function effectivenessPercent(row: Pick<KpiRow, "finalKw" | "awardedKw">): number | null {
  const awarded = Number(row.awardedKw);
  return awarded > 0 ? (100 * Number(row.finalKw)) / awarded : null;
}

const columns: ColumnDef<KpiRow, unknown>[] = [
  { header: "Day", accessorKey: "day" },
  { header: "Requests", accessorKey: "requestCount" },
  { header: "Requested kW", accessorKey: "requestedKw" },
  { header: "Offers", accessorKey: "offerCount" },
  { header: "Offered kW", accessorKey: "offeredKw" },
  { header: "IT_01 liquidity", accessorFn: (r) => liquidityPercent(r)?.toFixed(0).concat(" %") ?? "—" },
  { header: "Awarded kW", accessorKey: "awardedKw" },
  { header: "OK / KO / partial", accessorFn: (r) => `${r.validatedOk} / ${r.validatedKo} / ${r.validatedPartial}` },
  { header: "Validated / awarded", accessorFn: (r) => effectivenessPercent(r)?.toFixed(0).concat(" %") ?? "—" },
  { header: "Readings", accessorKey: "measurementCount" },
  { header: "Rewarded", accessorFn: (r) => formatMicroEur(r.rewardedMicroEur) },
  { header: "Penalised", accessorFn: (r) => formatMicroEur(r.penalisedMicroEur) },
];

export default function KpisPage() {
  const kpis = useSubgraph<KpisView>("kpis", KPIS, {}, { refetchMs: 10_000 });
  return (
    <section aria-labelledby="kpis-title">
      <h2 id="kpis-title">KPIs</h2>
      <QueryState what="KPIs" query={kpis} isEmpty={() => false} empty="">
        {(d) => (
          <>
            <div className="cards">
              <div className="card">
                <h3>PR_01 recruitment</h3>
                <p className="big">{d.platform?.podCount ?? 0} PoDs</p>
              </div>
              <div className="card">
                <h3>Anchored readings</h3>
                <p className="big">{d.platform?.measurementCount ?? 0}</p>
              </div>
              <div className="card">
                <h3>Sessions / awards</h3>
                <p className="big">
                  {d.platform?.sessionCount ?? 0} / {d.platform?.awardCount ?? 0}
                </p>
              </div>
            </div>
            <table className="targets">
              <caption>Targets of the field test</caption>
              <thead>
                <tr>
                  <th scope="col">KPI</th>
                  <th scope="col">Name</th>
                  <th scope="col">Target</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {KPI_TARGETS.map((k) => (
                  <tr key={k.id}>
                    <td>{k.id}</td>
                    <td>{k.name}</td>
                    <td>{k.target}</td>
                    <td>{k.source}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {d.dailyKpis.length === 0 ? (
              <p className="state state-empty">No market day has data yet.</p>
            ) : (
              <>
                <Suspense fallback={null}>
                  <Chart
                    title="IT_01 liquidity and validated share per day"
                    unit="%"
                    categories={d.dailyKpis.map((k) => String(k.day))}
                    series={[
                      { name: "IT_01 liquidity", values: d.dailyKpis.map(liquidityPercent), limit: 150 },
                      { name: "validated / awarded", values: d.dailyKpis.map(effectivenessPercent), limit: 70 },
                    ]}
                  />
                </Suspense>
                <DataTable caption="Daily KPIs" rows={d.dailyKpis} columns={columns} exportName="kpis" />
              </>
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}
