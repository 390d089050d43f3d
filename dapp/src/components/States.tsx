// Loading, empty and error states: every data view shows one of them rather than a blank area.
import type { ReactNode } from "react";

export function Loading({ what }: { what: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

export function ErrorBox({ title, error }: { title: string; error: unknown }) {
  return (
    <div className="state state-error" role="alert">
      <strong>{title}</strong>
      <p>{error instanceof Error ? error.message : String(error)}</p>
    </div>
  );
}

/** The usual trio for a query: loading, error, empty, else the content. */
export function QueryState<T>(props: {
  what: string;
  query: { isLoading: boolean; error: unknown; data: T | undefined };
  isEmpty: (data: T) => boolean;
  empty: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { query } = props;
  if (query.isLoading) return <Loading what={props.what} />;
  if (query.error) return <ErrorBox title={`Could not load ${props.what}`} error={query.error} />;
  if (query.data === undefined) return <Loading what={props.what} />;
  if (props.isEmpty(query.data)) return <Empty>{props.empty}</Empty>;
  return <>{props.children(query.data)}</>;
}
