/**
 * The sums of MO facts per UCD, which a stay-level file keeps in columns while it is read: the same
 * sums, in the same order, as adding the lines one by one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moAccumulator, type MoLine } from '../../lib/formats/kinds/mo-accumulator';

const SOURCE = { key: 'atih/2025/fichcomp-med-2025.csv', version: 'v1' };
const ignore = () => undefined;

function line(finess: string, month: number, ucd: string, code: string | null, units: number, amount: number): MoLine {
  return { region: 'PACA', finess, level: 'site', month, ucd, ucdValid: true, code, units, amount, codeColumn: 'cod_les' };
}

/** Each fact's sums per UCD as [ucd, units, amount or lines], the facts by `finess/month`. */
function sums(facts: ReturnType<ReturnType<typeof moAccumulator>['finish']>) {
  return facts.map((f) => ({
    fact: `${f.finess}/${f.month}`,
    costs: f.ucdCosts.map((c) => [c.ucd, c.units, c.amount]),
    i999: f.i999ByUcd.map((c) => [c.ucd, c.units, c.lines]),
  }));
}

describe('moAccumulator: sums per UCD', () => {
  it('sums each UCD per establishment and month, in the order of its first line, establishments interleaved', () => {
    const acc = moAccumulator(2025, SOURCE, { perUcd: true, ucdColumn: 'ucd_ucd_cod' });
    const lines = [
      line('130001016', 1, '3400893826631', 'I000125', 2, 100),
      line('130001024', 1, '3400893826631', 'I999999', 1, 50),
      line('130001016', 1, '9391234', 'I999', 0.5, 20),
      line('130001016', 1, '3400893826631', 'I999', 1.5, 75),
      line('130001016', 2, '3400893826631', 'I000125', 3, 150),
      line('130001024', 1, '3400893826631', 'I999999', 4, 200),
    ];
    for (const l of lines) acc.add(l, ignore);
    expect(sums(acc.finish(ignore, 'moi'))).toEqual([
      // 2 + 1,5 units and 100 + 75 € of the first UCD; I999 lines: one of each UCD.
      { fact: '130001016/1', costs: [['3400893826631', 3.5, 175], ['9391234', 0.5, 20]], i999: [['9391234', 0.5, 1], ['3400893826631', 1.5, 1]] },
      { fact: '130001024/1', costs: [['3400893826631', 5, 250]], i999: [['3400893826631', 5, 2]] },
      { fact: '130001016/2', costs: [['3400893826631', 3, 150]], i999: [] },
    ]);
  });

  it('keeps no cost per UCD for the aggregated extract (perUcd false), only the I999 sums', () => {
    const acc = moAccumulator(2025, SOURCE, { perUcd: false, ucdColumn: 'ucd' });
    acc.add(line('130001016', 1, '9391234', 'I999', 2, 40), ignore);
    expect(sums(acc.finish(ignore, 'mois'))).toEqual([{ fact: '130001016/1', costs: [], i999: [['9391234', 2, 1]] }]);
  });

  it('property: the sums are those of the lines added one by one, whatever their order', () => {
    const arbLine = fc.record({
      finess: fc.constantFrom('130001016', '130001024', '830002014'),
      month: fc.integer({ min: 1, max: 3 }),
      ucd: fc.constantFrom('3400893826631', '9391234', '3400890000017'),
      code: fc.constantFrom(null, 'I999', 'I999999', 'I000125', 'I997001'),
      units: fc.integer({ min: 0, max: 40 }).map((q) => q / 4),
      amount: fc.integer({ min: 0, max: 100_000 }).map((c) => c / 100),
    });
    fc.assert(
      fc.property(fc.array(arbLine, { maxLength: 60 }), (drawn) => {
        const acc = moAccumulator(2025, SOURCE, { perUcd: true, ucdColumn: 'ucd_ucd_cod' });
        for (const d of drawn) acc.add(line(d.finess, d.month, d.ucd, d.code, d.units, d.amount), ignore);
        const expected = new Map<string, { costs: Map<string, number[]>; i999: Map<string, number[]> }>();
        for (const d of drawn) {
          const id = `${d.finess}/${d.month}`;
          const fact = expected.get(id) ?? { costs: new Map(), i999: new Map() };
          expected.set(id, fact);
          const cost = fact.costs.get(d.ucd) ?? [0, 0];
          fact.costs.set(d.ucd, [cost[0]! + d.units, cost[1]! + d.amount]);
          if (d.code === 'I999' || d.code === 'I999999') {
            const h = fact.i999.get(d.ucd) ?? [0, 0];
            fact.i999.set(d.ucd, [h[0]! + d.units, h[1]! + 1]);
          }
        }
        expect(sums(acc.finish(ignore, 'moi'))).toEqual(
          [...expected].map(([fact, e]) => ({
            fact,
            costs: [...e.costs].map(([ucd, s]) => [ucd, ...s]),
            i999: [...e.i999].map(([ucd, s]) => [ucd, ...s]),
          })),
        );
      }),
    );
  });
});
