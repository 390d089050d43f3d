// Typical daily load profile (15-min resolution, local time in Rome) driving the meter simulator.
// Shape: a small commercial/residential mix — night base, morning ramp, midday plateau, evening peak.

/** Relative demand per local hour (0..23); peak = 1. Quarter-hours are interpolated linearly between hours. */
const HOURLY_SHAPE = [
  0.38, 0.35, 0.33, 0.32, 0.32, 0.35, 0.45, 0.62, 0.78, 0.86, 0.9, 0.92, 0.93, 0.9, 0.87, 0.86, 0.88, 0.93, 1.0, 0.98,
  0.9, 0.75, 0.58, 0.45,
];

const romeHourFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Rome",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** Local (Europe/Rome) quarter-hour slot index 0..95 of a UTC instant. */
export function romeSlotOf(timeMs: number): number {
  const parts = romeHourFormat.formatToParts(new Date(timeMs));
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  return hour * 4 + Math.floor(minute / 15);
}

/** Profile factor (0..1] of a quarter-hour slot (0..95). */
export function profileFactor(slot: number): number {
  const hour = Math.floor(slot / 4);
  const frac = (slot % 4) / 4;
  const a = HOURLY_SHAPE[hour];
  const b = HOURLY_SHAPE[(hour + 1) % 24];
  return a + (b - a) * frac;
}

/** The 96 factors of a day, for inspection and plots. */
export function dailyProfile(): number[] {
  return Array.from({ length: 96 }, (_, slot) => profileFactor(slot));
}
