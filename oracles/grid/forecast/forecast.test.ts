// Checks the day-type calendar, the shape of the typical profiles, the PV model and MAPE.
import { expect } from "chai";
import { ForecastInputError } from "../errors";
import { dayTypeOf, easterSunday, forecastLoad, forecastLoadsKw, typicalProfile } from "./profiles";
import { clearSkyIrradiance, mape, pvForecast, romeUtcOffsetHours } from "./pv";

describe("dayTypeOf", () => {
  it("tells weekdays, Saturdays, Sundays and Italian holidays apart", () => {
    expect(dayTypeOf("2021-06-23")).to.equal("weekday");
    expect(dayTypeOf("2021-06-26")).to.equal("saturday");
    expect(dayTypeOf("2021-06-27")).to.equal("holiday");
    expect(dayTypeOf("2021-06-02")).to.equal("holiday"); // Festa della Repubblica, a Wednesday
    expect(dayTypeOf("2021-06-29")).to.equal("holiday"); // Rome's patron saints
    expect(dayTypeOf("2021-06-29", false)).to.equal("weekday");
    expect(dayTypeOf("2021-04-05")).to.equal("holiday"); // Easter Monday 2021
  });

  it("computes Easter Sunday", () => {
    expect(easterSunday(2021)).to.deep.equal([4, 4]);
    expect(easterSunday(2024)).to.deep.equal([3, 31]);
    expect(easterSunday(2000)).to.deep.equal([4, 23]);
  });
});

describe("typicalProfile", () => {
  it("gives 96 values in (0, 1] pu for every kind, month and day type", () => {
    for (const kind of ["residential", "commercial", "industrial", "transformer"] as const)
      for (let month = 1; month <= 12; month++)
        for (const day of ["weekday", "saturday", "holiday"] as const) {
          const p = typicalProfile(kind, month, day);
          expect(p).to.have.length(96);
          expect(Math.min(...p)).to.be.above(0);
          expect(Math.max(...p)).to.be.at.most(1 + 1e-12);
        }
  });

  it("puts residential demand's peak in the evening and commercial demand's in working hours", () => {
    const peakHour = (p: Float64Array) => p.indexOf(Math.max(...p)) / 4;
    expect(peakHour(typicalProfile("residential", 1, "weekday"))).to.be.within(18, 22);
    expect(peakHour(typicalProfile("commercial", 6, "weekday"))).to.be.within(9, 19);
  });

  it("lowers commercial and industrial demand on holidays", () => {
    const energy = (p: Float64Array) => p.reduce((a, b) => a + b, 0);
    for (const kind of ["commercial", "industrial"] as const)
      expect(energy(typicalProfile(kind, 3, "holiday"))).to.be.below(0.7 * energy(typicalProfile(kind, 3, "weekday")));
  });

  it("scales a customer's peak by the profile of the date", () => {
    const forecast = forecastLoad(500, "industrial", "2021-06-23");
    expect(forecast[50]).to.be.closeTo(500 * typicalProfile("industrial", 6, "weekday")[50], 1e-9);
    const slots = forecastLoadsKw([{ pKw: 500, kind: "industrial" }, { pKw: 100 }], "2021-06-23");
    expect(slots).to.have.length(96);
    expect(slots[50][0]).to.equal(forecast[50]);
    expect(slots[50][1]).to.be.closeTo(100 * typicalProfile("transformer", 6, "weekday")[50], 1e-9);
  });
});

describe("pvForecast", () => {
  it("gives installed power × irradiance/1000 × performance ratio at 25 °C, clipped at installed power", () => {
    const out = pvForecast([0, 500, 1000, 1400], 100, { performanceRatio: 0.8 });
    expect(Array.from(out)).to.deep.equal([0, 40, 80, 100]);
  });

  it("derates hot modules", () => {
    const cool = pvForecast([800], 100, { ambientC: [10] })[0];
    const hot = pvForecast([800], 100, { ambientC: [35] })[0];
    expect(hot).to.be.below(cool);
  });

  it("produces a clear-sky day in Rome peaking near 13:15 in summer (CEST) and nothing at night", () => {
    const g = clearSkyIrradiance("2021-06-23");
    expect(romeUtcOffsetHours("2021-06-23")).to.equal(2);
    expect(romeUtcOffsetHours("2021-01-15")).to.equal(1);
    const peakHour = g.indexOf(Math.max(...g)) / 4;
    expect(peakHour).to.be.within(12.75, 13.75);
    expect(Math.max(...g)).to.be.within(850, 1050);
    expect(g[8]).to.equal(0); // 02:00
  });
});

describe("mape", () => {
  it("averages absolute percentage errors and skips zero measurements", () => {
    expect(mape([110, 90, 5], [100, 100, 0])).to.be.closeTo(10, 1e-12);
  });

  it("refuses inputs of different length or with only zero measurements", () => {
    expect(() => mape([1, 2], [1])).to.throw(ForecastInputError);
    expect(() => mape([1], [0])).to.throw(ForecastInputError);
  });
});
