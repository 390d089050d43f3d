// A live countdown to a chain time (gate closure), against the latest block's time so a fast-forwarded local
// chain counts right.
import { useEffect, useState } from "react";
import { useBlock } from "wagmi";
import { formatCountdown } from "../units";

export function useChainNow(): number {
  const { data: block } = useBlock({ watch: true });
  const [offset, setOffset] = useState(0);
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    if (block) setOffset(Number(block.timestamp) - Date.now() / 1000);
  }, [block]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() / 1000), 1_000);
    return () => clearInterval(timer);
  }, []);
  return Math.floor(now + offset);
}

export function Countdown({ targetSeconds, nowSeconds }: { targetSeconds: number; nowSeconds: number }) {
  const text = formatCountdown(targetSeconds, nowSeconds);
  return (
    <span className={text === "closed" ? "badge badge-closed" : "badge badge-open"} aria-live="off">
      {text === "closed" ? "gate closed" : `gate closes in ${text}`}
    </span>
  );
}
