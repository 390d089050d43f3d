// PV production forecast from irradiance and installed power (with cell-temperature derating), a clear-sky
// irradiance model for Rome when no weather forecast is at hand, and MAPE for the forecast KPIs IT_02/IT_03.
import { ForecastInputError } from "../errors";
import { SLOTS_PER_DAY } from "./profiles";

export interface PvOptions {
  /** Inverter, wiring, soiling and mismatch losses (0.8 is typical for rooftop plants). */
  performanceRatio?: number;
  /** Ambient temperature per slot (°C); without it the module is taken at 25 °C. */
  ambientC?: ArrayLike<number>;
  /** Power temperature coefficient per °C (crystalline silicon ≈ −0.4 %/°C). */
  temperatureCoefficient?: number;
  /** Nominal operating cell temperature (°C). */
  noctC?: number;
}

/** PV output in kW per slot from plane-of-array irradiance (W/m²) and installed (peak) power in kWp. */
export function pvForecast(
  irradianceWm2: ArrayLike<number>,
  installedKw: number,
  options: PvOptions = {},
): Float64Array {
  const pr = options.performanceRatio ?? 0.8;
  const gamma = options.temperatureCoefficient ?? -0.004;
  const noct = options.noctC ?? 45;
  const out = new Float64Array(irradianceWm2.length);
  for (let s = 0; s < irradianceWm2.length; s++) {
    const g = Math.max(0, irradianceWm2[s]);
    const cell = options.ambientC ? options.ambientC[s] + ((noct - 20) / 800) * g : 25;
    out[s] = Math.max(0, Math.min(installedKw, installedKw * (g / 1000) * pr * (1 + gamma * (cell - 25))));
  }
  return out;
}

/** Offset of Rome's civil time from UTC on a date: +2 h from the last Sunday of March to the last of October. */
export function romeUtcOffsetHours(date: string): number {
  const [year, month, day] = date.split("-").map(Number);
  const lastSunday = (m: number) => {
    const last = new Date(Date.UTC(year, m, 0));
    return last.getUTCDate() - last.getUTCDay();
  };
  const start = lastSunday(3);
  const end = lastSunday(10);
  const afterStart = month > 3 || (month === 3 && day >= start);
  const beforeEnd = month < 10 || (month === 10 && day < end);
  return afterStart && beforeEnd ? 2 : 1;
}

/**
 * Clear-sky global horizontal irradiance (Haurwitz model) per 15-minute slot of a local market day, for a site
 * (default Rome: 41.9 N, 12.5 E). Slot 0 starts at 00:00 local time.
 */
export function clearSkyIrradiance(date: string, latitudeDeg = 41.9, longitudeDeg = 12.5): Float64Array {
  const [year, month, day] = date.split("-").map(Number);
  const dayOfYear = Math.round((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 0)) / 86400000);
  const declination = ((23.45 * Math.PI) / 180) * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
  const b = (2 * Math.PI * (dayOfYear - 81)) / 364;
  const equationOfTimeMin = 9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b);
  const lat = (latitudeDeg * Math.PI) / 180;
  const offset = romeUtcOffsetHours(date);
  const out = new Float64Array(SLOTS_PER_DAY);
  for (let s = 0; s < SLOTS_PER_DAY; s++) {
    const localHour = (s + 0.5) / 4;
    const solarHour = localHour - offset + longitudeDeg / 15 + equationOfTimeMin / 60;
    const hourAngle = ((solarHour - 12) * 15 * Math.PI) / 180;
    const cosZenith =
      Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngle);
    out[s] = cosZenith > 0 ? 1098 * cosZenith * Math.exp(-0.057 / cosZenith) : 0;
  }
  return out;
}

/**
 * Mean absolute percentage error in %, over the points where the measurement is not (near) zero, since a
 * percentage of zero is undefined (night-time PV, for instance).
 */
export function mape(forecast: ArrayLike<number>, measured: ArrayLike<number>, epsilon = 1e-9): number {
  if (forecast.length !== measured.length)
    throw new ForecastInputError(`mape: ${forecast.length} forecast values against ${measured.length} measurements`);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < measured.length; i++) {
    if (Math.abs(measured[i]) <= epsilon) continue;
    sum += Math.abs((forecast[i] - measured[i]) / measured[i]);
    count++;
  }
  if (count === 0) throw new ForecastInputError("mape: every measurement is zero");
  return (100 * sum) / count;
}
