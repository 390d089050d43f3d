// Entry point: load /config.json, then start wagmi + TanStack Query and render the app.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { loadRuntimeConfig } from "./runtimeConfig";
import { createWagmiConfig } from "./wagmiConfig";
import { RuntimeContext } from "./RuntimeContext";
import { App } from "./App";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

loadRuntimeConfig()
  .then((runtime) => {
    const wagmiConfig = createWagmiConfig(runtime);
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 2_000 } } });
    root.render(
      <StrictMode>
        <RuntimeContext.Provider value={runtime}>
          <WagmiProvider config={wagmiConfig}>
            <QueryClientProvider client={queryClient}>
              <App />
            </QueryClientProvider>
          </WagmiProvider>
        </RuntimeContext.Provider>
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(
      <main className="page">
        <div className="state state-error" role="alert">
          <strong>FlexGrid cannot start</strong>
          <p>{error instanceof Error ? error.message : String(error)}</p>
        </div>
      </main>,
    );
  });
