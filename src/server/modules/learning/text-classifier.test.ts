import { describe, expect, it } from 'vitest';
import { tokenize } from '../../lib/chinese-text.js';
import { crossValidate, evaluationFromMatrix, predictProba, restoreVectorizer, vectorize, type Evaluation } from './text-classifier.js';
import {
  trainRoutingModel,
  suggestWith,
  loadRoutingModel,
  unitProba,
  type LoadedRoutingModel,
  type RoutingExample,
} from './routing-model.js';

/**
 * A labelled set the test builds: for each of five categories, narratives drawn from its own phrases plus phrases
 * every category shares (the noise a real narrative has), cut by jieba as the platform cuts them.
 */
const PHRASES: Record<string, string[]> = {
  labour: ['拖欠工资', '包工头跑路', '劳动合同', '加班费', '社保没交', '讨薪', '工地干活', '经济补偿'],
  neighbourhood: ['楼上漏水', '装修噪音', '楼道杂物', '邻居吵架', '狗叫扰民', '堵住通道', '对门邻居', '墙面发霉'],
  property_management: ['物业费', '电梯故障', '停水停电', '业主委员会', '小区保洁', '公共收益', '物业公司', '车位收费'],
  marriage_family: ['赡养老人', '抚养费', '离婚', '婆媳矛盾', '子女推诿', '家庭暴力', '探望孩子', '夫妻争吵'],
  consumer: ['预付卡', '退费', '商品质量', '健身房', '会员卡', '培训机构', '退换货', '商家拒绝'],
};
const SHARED = ['多次协商', '没有结果', '请求帮助', '情况紧急', '已经三个月', '希望尽快', '反映问题', '来访'];

function labelledSet(perCategory: number, seed = 3): { tokens: string[]; label: string }[] {
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648);
  const pick = (xs: string[]) => xs[Math.floor(random() * xs.length)]!;
  const out: { tokens: string[]; label: string }[] = [];
  for (const [label, own] of Object.entries(PHRASES))
    for (let i = 0; i < perCategory; i++) {
      const text = [
        pick(own),
        pick(SHARED),
        pick(own),
        pick(SHARED),
        random() < 0.3 ? pick(PHRASES[pick(Object.keys(PHRASES))]!) : '',
      ].join('，');
      out.push({ tokens: tokenize(text), label });
    }
  return out;
}

/** Precision, recall and F1 recounted by hand from a matrix (rows actual, columns predicted). */
function recount(e: Evaluation) {
  e.classes.forEach((_, i) => {
    const tp = e.matrix[i]![i]!;
    const actual = e.matrix[i]!.reduce((a, b) => a + b, 0);
    const predicted = e.matrix.map((row) => row[i]!).reduce((a, b) => a + b, 0);
    const p = predicted === 0 ? 0 : tp / predicted;
    const r = actual === 0 ? 0 : tp / actual;
    expect(e.perClass[i]!.support).toBe(actual);
    expect(e.perClass[i]!.precision).toBeCloseTo(p, 12);
    expect(e.perClass[i]!.recall).toBeCloseTo(r, 12);
    expect(e.perClass[i]!.f1).toBeCloseTo(p + r === 0 ? 0 : (2 * p * r) / (p + r), 12);
  });
  const total = e.matrix.flat().reduce((a, b) => a + b, 0);
  expect(e.total).toBe(total);
  expect(e.accuracy).toBeCloseTo(e.matrix.reduce((s, row, i) => s + row[i]!, 0) / total, 12);
}

describe('the text classifier, measured on data it did not train on', () => {
  it('5-fold cross-validation on a labelled set: every case predicted once, by a model that never saw it', () => {
    const set = labelledSet(80);
    const cv = crossValidate(
      set.map((d) => d.tokens),
      set.map((d) => d.label),
      5,
    );
    expect(cv.folds).toHaveLength(5);
    expect(cv.total).toBe(set.length);
    expect(cv.folds.reduce((s, f) => s + f.total, 0)).toBe(set.length);
    // The categories' own words decide: well above chance (0.2), though shared and cross-category phrases blur some.
    expect(cv.macroF1).toBeGreaterThan(0.85);
    recount(cv);
    for (const f of cv.folds) recount(f);
  });

  it('figures from a matrix: a worked example', () => {
    const e = evaluationFromMatrix(
      ['a', 'b'],
      [
        [8, 2],
        [1, 9],
      ],
    );
    expect(e.perClass[0]).toMatchObject({ precision: 8 / 9, recall: 0.8, support: 10 });
    expect(e.accuracy).toBe(17 / 20);
    recount(e);
  });

  it('the routing report equals a recount from its own matrices; held-out cases are the most recent', () => {
    const set = labelledSet(60);
    const examples: RoutingExample[] = set.map((d, i) => ({
      tokens: d.tokens,
      category: d.label,
      kind: d.label === 'consumer' ? 'petition' : 'dispute',
      unitId: d.label === 'labour' ? 'unit-labour' : d.label === 'property_management' ? 'unit-housing' : 'unit-court',
      createdAt: (i * 7919) % set.length,
    }));
    const { model, report } = trainRoutingModel(examples, { minPerCategory: 40, minPerUnit: 40 });
    expect(report.ready).toBe(true);
    expect(report.heldOut).toBe(set.length - Math.floor(set.length * 0.8));
    for (const head of [report.heads.kind!, report.heads.category!, report.heads.unit!]) recount(head);
    expect(report.heads.category!.total).toBe(report.heldOut);
    // The unit head is weighed by P(unit | category): one row per category class, one column per unit class, each a
    // distribution.
    const table = model!.unitByCategory!;
    expect(table).toHaveLength(model!.heads.category!.classes.length);
    for (const row of table) {
      expect(row).toHaveLength(model!.heads.unit!.classes.length);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    // A table of the wrong shape (an edited or damaged model) is dropped on load, not applied.
    expect(loadRoutingModel({ ...model!, unitByCategory: table.map((row) => row.slice(1)) }).unitByCategory).toBeNull();
    const loaded = loadRoutingModel(JSON.parse(JSON.stringify(model)));
    expect(loaded.unitByCategory).toEqual(table);
    const s = suggestWith(loaded, tokenize('包工头拖欠工资三个月，讨薪无果'));
    expect(s.guesses.category[0]!.value).toBe('labour');
    expect(s.guesses.unit[0]!.value).toBe('unit-labour');
    expect(s.words.some((w) => w.includes('工资') || w.includes('包工头'))).toBe(true);
  });

  it('the unit shown agrees with the category shown: a town’s word does not send a wage claim to its 司法所', () => {
    // Two words; the unit head alone leans to the town (装修 sits in its neighbour disputes), the category head is sure
    // of 劳动争议, and the district's labour cases went 9 in 10 to the labour inspection unit.
    const head = (classes: string[], weights: number[]) => ({
      classes,
      features: 2,
      weights: Float32Array.from(weights),
      bias: new Float32Array(classes.length),
    });
    const model: LoadedRoutingModel = {
      vectorizer: restoreVectorizer(['装修', '工资'], Float32Array.from([1, 1])),
      heads: {
        kind: null,
        category: head(['labour', 'neighbourhood'], [0, 2, 6, 0]),
        unit: head(['unit-labour', 'unit-town'], [0, 2, 1.5, 1.2]),
      },
      unitByCategory: [
        [0.9, 0.1],
        [0.05, 0.95],
      ],
    };
    const x = vectorize(model.vectorizer, ['装修', '工资']);
    const alone = predictProba(model.heads.unit!, x);
    expect(alone[1]).toBeGreaterThan(alone[0]!);
    expect(predictProba(model.heads.category!, x)[0]).toBeGreaterThan(0.9);
    const combined = unitProba(model, x)!;
    expect(combined[0]).toBeGreaterThan(combined[1]!);
    expect(combined[0]! + combined[1]!).toBeCloseTo(1, 12);
    expect(suggestWith(model, ['装修', '工资']).guesses.unit[0]!.value).toBe('unit-labour');
    // A model stored before the table existed: its unit head answers alone.
    expect([...unitProba({ ...model, unitByCategory: null }, x)!]).toEqual([...alone]);
  });

  it('says why there is no model below the per-category minimum, instead of guessing', () => {
    const set = labelledSet(30);
    const { model, report } = trainRoutingModel(
      set.map((d, i) => ({ tokens: d.tokens, category: d.label, kind: 'dispute', unitId: null, createdAt: i })),
      { minPerCategory: 200, minPerUnit: 50 },
    );
    expect(model).toBeNull();
    expect(report.ready).toBe(false);
    expect(report.reason).toContain('200');
  });
});
