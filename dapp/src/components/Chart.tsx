// A line/bar chart on ECharts (tree-shaken core, loaded lazily so the first page stays small).
import { useEffect, useRef } from "react";

export interface Series {
  name: string;
  values: (number | null)[];
  type?: "line" | "bar";
  /** A horizontal limit line drawn with the series (e.g. a feeder's rating). */
  limit?: number;
}

export interface ChartProps {
  title: string;
  categories: string[];
  series: Series[];
  unit: string;
  height?: number;
}

export default function Chart({ title, categories, series, unit, height = 280 }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  // Callers pass fresh arrays each render: redraw only when the content changes.
  const key = JSON.stringify({ title, categories, series, unit });
  useEffect(() => {
    let disposed = false;
    let chart: { dispose(): void; resize(): void } | undefined;
    const onResize = () => chart?.resize();
    void import("./echarts").then(({ echarts }) => {
      if (disposed || !ref.current) return;
      const instance = echarts.init(ref.current, undefined, { renderer: "canvas" });
      chart = instance;
      instance.setOption({
        animation: false,
        title: { text: title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24 },
        grid: { left: 56, right: 16, top: 64, bottom: 32 },
        xAxis: { type: "category", data: categories },
        // Room for the limit lines too: a target above the data must still show.
        yAxis: {
          type: "value",
          name: unit,
          max: (extent: { max: number }) => Math.max(extent.max, ...series.map((s) => s.limit ?? -Infinity)),
        },
        series: series.map((s) => ({
          name: s.name,
          type: s.type ?? "line",
          data: s.values,
          showSymbol: s.values.length < 24, // a few points alone would draw no line
          markLine:
            s.limit === undefined
              ? undefined
              : { symbol: "none", data: [{ yAxis: s.limit, name: "limit" }], lineStyle: { color: "#c0392b" } },
        })),
      });
      window.addEventListener("resize", onResize);
    });
    return () => {
      disposed = true;
      window.removeEventListener("resize", onResize);
      chart?.dispose();
    };
  }, [key]);
  return <div ref={ref} role="img" aria-label={title} style={{ width: "100%", height }} className="chart" />;
}
