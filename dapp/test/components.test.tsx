import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import type { ColumnDef } from "@tanstack/react-table";
import { DataTable } from "../src/components/DataTable";
import { TxStatus } from "../src/components/TxStatus";
import { QueryState } from "../src/components/States";
import { toCsv } from "../src/components/download";

interface Row {
  pod: string;
  kw: number;
}
const rows: Row[] = [
  { pod: "IT002E3", kw: 5 },
  { pod: "IT002E1", kw: 30 },
  { pod: "IT002E2", kw: 12 },
];
const columns: ColumnDef<Row, unknown>[] = [
  { header: "PoD", accessorKey: "pod" },
  { header: "kW", accessorKey: "kw" },
];
const bodyText = () =>
  within(screen.getAllByRole("rowgroup")[1]!)
    .getAllByRole("row")
    .map((r) => r.textContent);

describe("DataTable", () => {
  it("sorts by a column when its header is clicked, ascending then descending", () => {
    render(<DataTable caption="PoDs" rows={rows} columns={columns} />);
    fireEvent.click(screen.getByRole("button", { name: "kW" }));
    expect(bodyText()).toEqual(["IT002E35", "IT002E212", "IT002E130"]);
    fireEvent.click(screen.getByRole("button", { name: /kW/ }));
    expect(bodyText()).toEqual(["IT002E130", "IT002E212", "IT002E35"]);
    expect(screen.getByRole("columnheader", { name: /kW/ }).getAttribute("aria-sort")).toBe("descending");
  });

  it("filters rows with the text filter and counts them", () => {
    render(<DataTable caption="PoDs" rows={rows} columns={columns} />);
    fireEvent.change(screen.getByLabelText("Filter"), { target: { value: "E2" } });
    expect(bodyText()).toEqual(["IT002E212"]);
    expect(screen.getByText("1 of 3 rows")).toBeTruthy();
  });

  it("offers CSV and JSON export only when named", () => {
    const { rerender } = render(<DataTable caption="PoDs" rows={rows} columns={columns} />);
    expect(screen.queryByRole("button", { name: "Export CSV" })).toBeNull();
    rerender(<DataTable caption="PoDs" rows={rows} columns={columns} exportName="pods" />);
    expect(screen.getByRole("button", { name: "Export CSV" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Export JSON" })).toBeTruthy();
  });
});

describe("toCsv", () => {
  it("quotes cells with commas, quotes and newlines", () => {
    expect(
      toCsv([
        { a: 'x,"y"', b: 2 },
        { a: "line\nbreak", b: null },
      ]),
    ).toBe('a,b\n"x,""y""",2\n"line\nbreak",\n');
  });
});

describe("TxStatus", () => {
  it("shows each phase of a transaction", () => {
    const { rerender, container } = render(<TxStatus state={{ phase: "idle" }} />);
    expect(container.textContent).toBe("");
    rerender(<TxStatus state={{ phase: "signing" }} />);
    expect(screen.getByRole("status").textContent).toMatch(/wallet/);
    rerender(<TxStatus state={{ phase: "pending", hash: `0x${"ab".repeat(32)}` }} />);
    expect(screen.getByRole("status").textContent).toMatch(/^Pending/);
    rerender(<TxStatus state={{ phase: "confirmed", hash: `0x${"ab".repeat(32)}`, blockNumber: 42n }} />);
    expect(screen.getByRole("status").textContent).toMatch(/Confirmed in block 42/);
    rerender(<TxStatus state={{ phase: "failed", message: "The gate closed.", errorName: "FlexMarketGateClosed" }} />);
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toBe("Failed: The gate closed.");
    expect(alert.getAttribute("data-error")).toBe("FlexMarketGateClosed");
  });
});

describe("QueryState", () => {
  const view = (query: { isLoading: boolean; error: unknown; data: number[] | undefined }) =>
    render(
      <QueryState what="offers" query={query} isEmpty={(d) => d.length === 0} empty="No offer yet.">
        {(d) => <p>{d.length} offers</p>}
      </QueryState>,
    );
  it("shows loading, error, empty and content states", () => {
    view({ isLoading: true, error: null, data: undefined });
    expect(screen.getByRole("status").textContent).toBe("Loading offers…");
    view({ isLoading: false, error: new Error("subgraph down"), data: undefined });
    expect(screen.getByRole("alert").textContent).toContain("subgraph down");
    view({ isLoading: false, error: null, data: [] });
    expect(screen.getByText("No offer yet.")).toBeTruthy();
    view({ isLoading: false, error: null, data: [1, 2] });
    expect(screen.getByText("2 offers")).toBeTruthy();
  });
});

describe("DataTable pagination", () => {
  it("shows one page of rows and pages through the rest, counting all of them", () => {
    const many: Row[] = Array.from({ length: 45 }, (_, i) => ({ pod: `P${String(i).padStart(2, "0")}`, kw: i }));
    render(<DataTable caption="Many" rows={many} columns={columns} pageSize={20} />);
    expect(bodyText()).toHaveLength(20);
    expect(screen.getByText("45 of 45 rows")).toBeTruthy();
    expect(screen.getByText("Page 1 of 3")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(bodyText()).toEqual(["P4040", "P4141", "P4242", "P4343", "P4444"]);
    expect((screen.getByRole("button", { name: "Next" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
