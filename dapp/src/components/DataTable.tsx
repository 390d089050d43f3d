// A TanStack Table with sorting (click a header), a text filter and CSV/JSON export of the filtered rows.
import { useMemo, useState } from "react";
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getPaginationRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type PaginationState,
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
  /** Rows per page (20 by default). */
  pageSize?: number;
}

export function DataTable<T>({ caption, rows, columns, exportName, exportRow, pageSize = 20 }: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filter, setFilter] = useState("");
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize });
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting, globalFilter: filter, pagination },
    onPaginationChange: setPagination,
    getPaginationRowModel: getPaginationRowModel(),
    onSortingChange: setSorting,
    // Ascending first for every column (TanStack starts numbers descending): one rule people can predict.
    sortDescFirst: false,
    onGlobalFilterChange: setFilter,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });
  // Exports and counts take every filtered row; the page shows one page of them.
  const visible = table.getPrePaginationRowModel().rows;
  const shown = table.getRowModel().rows;
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
            {shown.map((row) => (
              <tr key={row.id}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.getPageCount() > 1 && (
        <div className="table-tools" aria-label={`${caption}: pages`}>
          <button type="button" onClick={() => table.previousPage()} disabled={!table.getCanPreviousPage()}>
            Previous
          </button>
          <span>
            Page {pagination.pageIndex + 1} of {table.getPageCount()}
          </span>
          <button type="button" onClick={() => table.nextPage()} disabled={!table.getCanNextPage()}>
            Next
          </button>
        </div>
      )}
    </div>
  );
}
