// DSO: its requests per slot against what was awarded (chart), the dynamic traffic lights per perimeter and slot,
// the validation verdicts with their cause, and the prequalification (static traffic light) of every PoD.
import { lazy, Suspense, useMemo } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { useSubgraph } from "../data/subgraph";
import { DSO_VIEW, REQUESTS, type DsoView, type PodRow, type RequestsView } from "../data/queries";
import { QueryState } from "../components/States";
import { DataTable } from "../components/DataTable";
import { requestColumns } from "./MarketPage";
import { formatKw } from "../units";

const Chart = lazy(() => import("../components/Chart"));

type Light = DsoView["trafficLights"][number];
const lightColumns: ColumnDef<Light, unknown>[] = [
  { header: "Perimeter", accessorFn: (l) => l.perimeter.name },
  { header: "Day", accessorKey: "day" },
  { header: "Slot", accessorKey: "slotIndex" },
  {
    header: "Colour",
    accessorKey: "colour",
    cell: (c) => <span className={`light light-${c.row.original.colour.toLowerCase()}`}>{c.row.original.colour}</span>,
  },
  { header: "Capability up", accessorFn: (l) => formatKw(l.capabilityUpKw) },
  { header: "Capability down", accessorFn: (l) => formatKw(l.capabilityDownKw) },
];

/** Newest day first, then perimeter and slot in order: how a DSO reads its day. */
function sortLights(lights: Light[]): Light[] {
  return [...lights].sort(
    (a, b) => b.day - a.day || a.perimeter.name.localeCompare(b.perimeter.name) || a.slotIndex - b.slotIndex,
  );
}

type Verdict = DsoView["validations"][number];
/** Reason codes of the DSO oracle's validation (oracles/dso): 0 none, else the violation that caused it. */
const verdictColumns: ColumnDef<Verdict, unknown>[] = [
  { header: "Session", accessorFn: (v) => v.session.sessionId },
  { header: "PoD", accessorFn: (v) => v.pod.code },
  { header: "Slot", accessorFn: (v) => v.award.slotIndex },
  { header: "Awarded", accessorFn: (v) => formatKw(v.award.quantityKw) },
  {
    header: "Verdict",
    accessorKey: "verdict",
    cell: (c) => (
      <span className={`verdict verdict-${c.row.original.verdict.toLowerCase()}`}>{c.row.original.verdict}</span>
    ),
  },
  { header: "Final", accessorFn: (v) => formatKw(v.finalQuantityKw) },
  { header: "Cause (reason code)", accessorKey: "reasonCode" },
];

const podColumns: ColumnDef<PodRow, unknown>[] = [
  { header: "PoD", accessorKey: "code" },
  { header: "PoM", accessorFn: (p) => p.pom?.code ?? "not mapped" },
  { header: "Prequalification", accessorKey: "qualification" },
  { header: "Qualified up", accessorFn: (p) => formatKw(p.qualifiedUpKw) },
  { header: "Qualified down", accessorFn: (p) => formatKw(p.qualifiedDownKw) },
];

export default function DsoPage() {
  const view = useSubgraph<DsoView>("dso", DSO_VIEW);
  const requests = useSubgraph<RequestsView>("requests-dso", REQUESTS, { kind: "Dso" });
  const perSlot = useMemo(() => {
    const rows = requests.data?.requests.filter((r) => r.status === "Active") ?? [];
    const slots = [...new Set(rows.map((r) => r.slotIndex))].sort((a, b) => a - b);
    return {
      categories: slots.map(String),
      requested: slots.map((s) =>
        rows.filter((r) => r.slotIndex === s).reduce((n, r) => n + Math.abs(r.targetPowerKw), 0),
      ),
      awarded: slots.map((s) =>
        rows.filter((r) => r.slotIndex === s).reduce((n, r) => n + r.awards.reduce((m, a) => m + a.quantityKw, 0), 0),
      ),
      validated: slots.map((s) =>
        rows
          .filter((r) => r.slotIndex === s)
          .reduce((n, r) => n + r.awards.reduce((m, a) => m + (a.finalQuantityKw ?? 0), 0), 0),
      ),
    };
  }, [requests.data]);
  return (
    <section aria-labelledby="dso-title">
      <h2 id="dso-title">DSO</h2>
      <p className="notice">
        UNFINISHED: feeder loading and voltage per slot come from the DSO oracle's power flow, which has no HTTP API
        yet; this page charts the DSO's requests and their outcome from the chain instead.
      </p>
      <h3>Requests per slot</h3>
      <QueryState
        what="DSO requests"
        query={requests}
        isEmpty={(d) => d.requests.length === 0}
        empty="No DSO request posted yet."
      >
        {(d) => (
          <>
            <Suspense fallback={null}>
              <Chart
                title="Request target (|kW|), awarded and validated flexibility per slot"
                unit="kW"
                categories={perSlot.categories}
                series={[
                  { name: "target", type: "bar", values: perSlot.requested },
                  { name: "awarded", type: "bar", values: perSlot.awarded },
                  { name: "validated", type: "bar", values: perSlot.validated },
                ]}
              />
            </Suspense>
            <DataTable caption="DSO requests" rows={d.requests} columns={requestColumns} exportName="dso-requests" />
          </>
        )}
      </QueryState>
      <QueryState what="traffic lights and verdicts" query={view} isEmpty={() => false} empty="">
        {(d) => (
          <>
            <h3>Traffic lights</h3>
            {d.trafficLights.length ? (
              <DataTable
                caption="Dynamic traffic lights per perimeter and slot"
                rows={sortLights(d.trafficLights)}
                columns={lightColumns}
                exportName="traffic-lights"
              />
            ) : (
              <p className="state state-empty">No dynamic traffic light published yet.</p>
            )}
            <h3>Validation verdicts</h3>
            {d.validations.length ? (
              <DataTable
                caption="Technical validation of the awards"
                rows={d.validations}
                columns={verdictColumns}
                exportName="validations"
              />
            ) : (
              <p className="state state-empty">No award validated yet.</p>
            )}
            <h3>Prequalification</h3>
            <DataTable
              caption="PoDs and their static traffic light"
              rows={d.pods}
              columns={podColumns}
              exportName="prequalification"
            />
          </>
        )}
      </QueryState>
    </section>
  );
}
