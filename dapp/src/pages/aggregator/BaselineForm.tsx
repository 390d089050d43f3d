// Baseline upload: a PoD, a market day (from a session) and a CSV of 96 values; validated in full before anything is
// signed, and shown locked once the day's day-ahead gate has closed (the registry would refuse it anyway).
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useReadContract } from "wagmi";
import { podRegistryAbi } from "../../generated/contracts";
import { useContractAddress } from "../../RuntimeContext";
import { useTransaction } from "../../chain/useTransaction";
import { TxStatus } from "../../components/TxStatus";
import { useChainNow } from "../../components/Countdown";
import type { PodRow, SessionRow } from "../../data/queries";
import { formatTime } from "../../units";
import { podIdOf } from "../../chain/ids";
import { parseBaselineCsv } from "./baselineCsv";

interface BaselineFields {
  podCode: string;
  day: string;
  csv: string;
}

export function BaselineForm({ pods, sessions }: { pods: PodRow[]; sessions: SessionRow[] }) {
  const registry = useContractAddress("PodRegistry");
  const tx = useTransaction();
  const now = useChainNow();
  const days = [...new Set(sessions.filter((s) => s.kind === "DayAhead").map((s) => s.day))];
  const { register, handleSubmit, watch, setValue, formState } = useForm<BaselineFields>({
    defaultValues: { podCode: pods[0]?.code ?? "", day: days[0] !== undefined ? String(days[0]) : "", csv: "" },
  });
  const [csvErrors, setCsvErrors] = useState<string[]>([]);
  const day = watch("day");
  const gate = useReadContract({
    address: registry,
    abi: podRegistryAbi,
    functionName: "dayAheadGateClosureOf",
    args: [Number(day || 0)],
    query: { enabled: Boolean(registry && day) },
  });
  const gateClosure = gate.data === undefined ? 0 : Number(gate.data);
  const locked = gateClosure > 0 && now >= gateClosure;

  const onSubmit = handleSubmit(async (fields) => {
    tx.reset();
    const parsed = parseBaselineCsv(fields.csv);
    if (!parsed.ok) return setCsvErrors(parsed.errors);
    setCsvErrors([]);
    await tx.send({
      address: registry!,
      abi: podRegistryAbi,
      functionName: "submitBaseline",
      args: [podIdOf(fields.podCode), Number(fields.day), parsed.valuesKw],
    });
  });

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="baseline-title" noValidate>
      <h3 id="baseline-title">Baseline (96 quarter-hours)</h3>
      <label htmlFor="baseline-pod">PoD</label>
      <select id="baseline-pod" {...register("podCode", { required: "choose a PoD" })}>
        {pods.map((p) => (
          <option key={p.id} value={p.code}>
            {p.code}
          </option>
        ))}
      </select>
      <label htmlFor="baseline-day">Market day</label>
      <select id="baseline-day" {...register("day", { required: "choose a day" })}>
        {days.map((d) => (
          <option key={d} value={d}>
            day {d}
          </option>
        ))}
      </select>
      {locked && (
        <p className="notice" role="status" data-testid="baseline-locked">
          Locked: the day-ahead gate of day {day} closed at {formatTime(gateClosure)}; baselines of that day are final.
        </p>
      )}
      <label htmlFor="baseline-file">CSV file (one kW value per line, or slot,kW)</label>
      <input
        id="baseline-file"
        type="file"
        accept=".csv,text/csv,text/plain"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (file) setValue("csv", await file.text(), { shouldValidate: true });
        }}
      />
      <label htmlFor="baseline-csv">Values</label>
      <textarea
        id="baseline-csv"
        rows={4}
        {...register("csv", { required: "upload a CSV or paste the values" })}
        aria-invalid={Boolean(formState.errors.csv || csvErrors.length)}
      />
      {formState.errors.csv && <p className="field-error">{formState.errors.csv.message}</p>}
      {csvErrors.length > 0 && (
        <div className="field-error" role="alert" data-testid="baseline-errors">
          <strong>The CSV was not sent:</strong>
          <ul>
            {csvErrors.slice(0, 8).map((e) => (
              <li key={e}>{e}</li>
            ))}
            {csvErrors.length > 8 && <li>… and {csvErrors.length - 8} more</li>}
          </ul>
        </div>
      )}
      <button
        type="submit"
        disabled={
          locked || !registry || pods.length === 0 || tx.state.phase === "signing" || tx.state.phase === "pending"
        }
      >
        Submit baseline
      </button>
      <TxStatus state={tx.state} />
    </form>
  );
}
