// The shell: header with the account panel, navigation filtered by the connected account's roles, and the page of
// the current hash route (#/market, #/aggregator, ...). Pages load lazily so the first page stays small.
import { lazy, Suspense, useEffect, useState } from "react";
import { useAccount } from "wagmi";
import { ConnectPanel } from "./ConnectPanel";
import { useRoles } from "./chain/roles";
import { Loading } from "./components/States";
import type { RoleName } from "./generated/contracts";

const MarketPage = lazy(() => import("./pages/MarketPage"));
const AggregatorPage = lazy(() => import("./pages/AggregatorPage"));
const DsoPage = lazy(() => import("./pages/DsoPage"));
const TsoPage = lazy(() => import("./pages/TsoPage"));
const CustomerPage = lazy(() => import("./pages/CustomerPage"));
const KpisPage = lazy(() => import("./pages/KpisPage"));

interface Route {
  path: string;
  label: string;
  /** Shown to everyone when absent; else only to holders of one of these roles. */
  roles?: RoleName[];
  Page: React.ComponentType;
}

export const ROUTES: Route[] = [
  { path: "market", label: "Market", Page: MarketPage },
  { path: "aggregator", label: "Aggregator", roles: ["AGGREGATOR"], Page: AggregatorPage },
  { path: "dso", label: "DSO", roles: ["DSO", "DSO_ORACLE"], Page: DsoPage },
  { path: "tso", label: "TSO", roles: ["TSO"], Page: TsoPage },
  { path: "customer", label: "Customer", Page: CustomerPage },
  { path: "kpis", label: "KPIs", Page: KpisPage },
];

function useHashRoute(): string {
  const read = () => window.location.hash.replace(/^#\/?/, "") || "market";
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export function App() {
  const route = useHashRoute();
  const { address } = useAccount();
  const { roles } = useRoles(address);
  const allowed = (r: Route) => !r.roles || r.roles.some((role) => roles.has(role)) || roles.has("ADMIN");
  const current = ROUTES.find((r) => r.path === route) ?? ROUTES[0]!;
  return (
    <>
      <header className="top">
        <h1>
          <a href="#/market">FlexGrid</a>
        </h1>
        <nav aria-label="Pages">
          {ROUTES.filter(allowed).map((r) => (
            <a key={r.path} href={`#/${r.path}`} aria-current={r.path === current.path ? "page" : undefined}>
              {r.label}
            </a>
          ))}
        </nav>
        <ConnectPanel />
      </header>
      <main className="page" id="main">
        {allowed(current) ? (
          <Suspense fallback={<Loading what="the page" />}>
            <current.Page />
          </Suspense>
        ) : (
          <div className="state state-error" role="alert">
            <strong>{current.label}</strong>
            <p>This page needs the {current.roles!.join(" or ")} role; the connected account does not hold it.</p>
          </div>
        )}
      </main>
    </>
  );
}
