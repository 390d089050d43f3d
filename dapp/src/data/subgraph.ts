// GraphQL over fetch to the subgraph (the dApp's read model), cached by TanStack Query. Errors from the server are
// raised with its message, so the page's error state says what went wrong.
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import { useRuntime } from "../RuntimeContext";

export class SubgraphError extends Error {}

export async function querySubgraph<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.ok) throw new SubgraphError(`the subgraph answered HTTP ${response.status}`);
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new SubgraphError(body.errors.map((e) => e.message).join("; "));
  if (!body.data) throw new SubgraphError("the subgraph answered without data");
  return body.data;
}

/** A subgraph query refreshed every few seconds (the runner indexes new blocks every second). */
export function useSubgraph<T>(
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { enabled?: boolean; refetchMs?: number } = {},
): UseQueryResult<T> {
  const runtime = useRuntime();
  return useQuery({
    queryKey: ["subgraph", key, variables],
    queryFn: () => querySubgraph<T>(runtime.subgraphUrl, query, variables),
    enabled: options.enabled ?? true,
    refetchInterval: options.refetchMs ?? 4_000,
  });
}
