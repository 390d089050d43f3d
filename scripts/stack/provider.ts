// The JSON-RPC provider the stack's long-running services share. Each request opens its own connection: a Hardhat
// node closes keep-alive sockets after 5 s idle, and services polling every 5 s would race it ("socket hang up").
import http from "node:http";
import https from "node:https";
import { FetchRequest, JsonRpcProvider } from "ethers";

export function createStackProvider(rpcUrl: string, chainId: number): JsonRpcProvider {
  const request = new FetchRequest(rpcUrl);
  const agent = rpcUrl.startsWith("https:")
    ? new https.Agent({ keepAlive: false })
    : new http.Agent({ keepAlive: false });
  request.getUrlFunc = FetchRequest.createGetUrlFunc({ agent });
  return new JsonRpcProvider(request, chainId, { staticNetwork: true });
}
