// TSO: its requests per PoM (primary substation) and their outcomes (awarded, validated, price).
import type { ColumnDef } from "@tanstack/react-table";
import { useSubgraph } from "../data/subgraph";
import { REQUESTS, type RequestsView } from "../data/queries";
import { QueryState } from "../components/States";
import { DataTable } from "../components/DataTable";
import { formatKw, formatPriceMilli, NO_PRICE_CAP } from "../units";

type Row = RequestsView["requests"][number];
const columns: ColumnDef<Row, unknown>[] = [
  { header: "PoM", accessorFn: (r) => r.pom?.code ?? "" },
  { header: "Session", accessorFn: (r) => r.session.sessionId },
  { header: "Request", accessorKey: "requestId" },
  { header: "Status", accessorKey: "status" },
  { header: "Slot", accessorKey: "slotIndex" },
  { header: "Direction", accessorKey: "direction" },
  { header: "Target", accessorFn: (r) => `${r.targetKind} ${formatKw(r.targetPowerKw)}` },
  {
    header: "Max price",
    accessorFn: (r) =>
      BigInt(r.maxPriceMilliEurPerKw) >= NO_PRICE_CAP ? "no cap" : formatPriceMilli(BigInt(r.maxPriceMilliEurPerKw)),
  },
  { header: "Awarded", accessorFn: (r) => formatKw(r.awards.reduce((n, a) => n + a.quantityKw, 0)) },
  { header: "Validated", accessorFn: (r) => formatKw(r.awards.reduce((n, a) => n + (a.finalQuantityKw ?? 0), 0)) },
];

export default function TsoPage() {
  const requests = useSubgraph<RequestsView>("requests-tso", REQUESTS, { kind: "Tso" });
  return (
    <section aria-labelledby="tso-title">
      <h2 id="tso-title">TSO requests per PoM</h2>
      <QueryState
        what="TSO requests"
        query={requests}
        isEmpty={(d) => d.requests.length === 0}
        empty="No TSO request posted yet (flexgrid tso request)."
      >
        {(d) => (
          <DataTable
            caption="TSO requests and their outcome"
            rows={d.requests}
            columns={columns}
            exportName="tso-requests"
          />
        )}
      </QueryState>
    </section>
  );
}
