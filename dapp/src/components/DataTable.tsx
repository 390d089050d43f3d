// A TanStack Table with sorting (click a header), a text filter and CSV/JSON export of the filtered rows.
import { useMemo, useState } from "react";
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";
import { downloadFile, toCsv } from "./download";

export interface DataTableProps<T> {
  caption: string;
  rows: T[];
  columns: ColumnDef<T, unknown>[];
  /** File name (without extension) for exports; no export buttons when absent. */
  exportName?: string;
  /** Plain values per row for the export (defaults to the accessor values). */
  exportRow?: (row: T) => Record<string, string | number | boolean | null>;
}

export function DataTable<T>({ caption, rows, columns, exportName, exportRow }: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filter, setFilter] = useState("");
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting, globalFilter: filter },
    onSortingChange: setSorting,
    // Ascending first for every column (TanStack starts numbers descending): one rule people can predict.
    sortDescFirst: false,
    onGlobalFilterChange: setFilter,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });
  const visible = table.getRowModel().rows;
  const exported = useMemo(
    () =>
      visible.map((row) =>
        exportRow
          ? exportRow(row.original)
          : Object.fromEntries(
              row.getAllCells().map((cell) => [String(cell.column.id), cell.getValue() as string | number | null]),
            ),
      ),
    [visible, exportRow],
  );
  const id = caption.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return (
    <div className="table-block">
      <div className="table-tools">
        <label htmlFor={`${id}-filter`}>Filter</label>
        <input
          id={`${id}-filter`}
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="type to filter rows"
        />
        <span className="muted">
          {visible.length} of {rows.length} rows
        </span>
        {exportName && (
          <>
            <button type="button" onClick={() => downloadFile(`${exportName}.csv`, toCsv(exported), "text/csv")}>
              Export CSV
            </button>
            <button
              type="button"
              onClick={() => downloadFile(`${exportName}.json`, JSON.stringify(exported, null, 2), "application/json")}
            >
              Export JSON
            </button>
          </>
        )}
      </div>
      <div className="table-scroll">
        <table>
          <caption>{caption}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
                    >
                      <button type="button" className="sort" onClick={header.column.getToggleSortingHandler()}>
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        {sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {visible.map((row) => (
              <tr key={row.id}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
