import { DomainError } from '../common/domain-error.js';
import {
  assertOpen,
  findRepeat,
  hashAnswer,
  normalise,
  parseEarlier,
  withOwnCase,
} from './answer-rules.js';

const SECTIONS = [
  { ref: '4.3 a', title: 'Mötesplatser' },
  { ref: '5.1', title: 'Civilsamhället' },
];
const NO_SERIES: ReadonlySet<string> = new Set();

function thrown(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('nothing was thrown');
}

describe('normalise', () => {
  it('trims the answer and writes each section as the round does', () => {
    const answer = normalise(
      {
        position: 'approve_with_comments',
        summary: '  Nämnden tillstyrker.  ',
        comments: [{ sectionRef: ' 4.3  A ', text: ' Mer resurser behövs. ' }],
        decision: { organ: ' Servicenämnden ', paragraph: '§ 45', caseNumber: 'sfn 2021/130' },
      },
      SECTIONS,
      0,
      new Set(['SFN']),
    );
    expect(answer).toEqual({
      position: 'approve_with_comments',
      summary: 'Nämnden tillstyrker.',
      comments: [{ sectionRef: '4.3 a', text: 'Mer resurser behövs.' }],
      decision: {
        organ: 'Servicenämnden',
        date: null,
        paragraph: '45',
        caseNumber: 'SFN 2021/0130',
      },
    });
  });

  it('names each comment whose section the round does not have', () => {
    const error = thrown(() =>
      normalise(
        { position: 'approve', comments: [{ sectionRef: '9.9', text: 'Okänt avsnitt.' }] },
        SECTIONS,
        0,
        NO_SERIES,
      ),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details).toMatchObject([{ field: 'comments.0.sectionRef' }]);
  });

  it('wants something said with a rejection, but not with an approval', () => {
    const error = thrown(() => normalise({ position: 'reject' }, SECTIONS, 0, NO_SERIES));
    expect(error.details).toMatchObject([{ field: 'summary' }]);
    expect(normalise({ position: 'reject' }, SECTIONS, 1, NO_SERIES).summary).toBeNull();
    expect(normalise({ position: 'approve' }, SECTIONS, 0, NO_SERIES)).toEqual({
      position: 'approve',
      summary: null,
      comments: [],
      decision: null,
    });
  });

  it('drops a decision with nothing in it', () => {
    const answer = normalise(
      { position: 'approve', decision: { organ: '  ' } },
      SECTIONS,
      0,
      NO_SERIES,
    );
    expect(answer.decision).toBeNull();
  });
});

describe('withOwnCase', () => {
  const plain = normalise({ position: 'approve' }, SECTIONS, 0, NO_SERIES);

  it('names the consultee’s own case unless the answer names one', () => {
    expect(withOwnCase(plain, { name: 'Servicenämnden' }, 'SFN 2026/0007').decision).toEqual({
      organ: 'Servicenämnden',
      date: null,
      paragraph: null,
      caseNumber: 'SFN 2026/0007',
    });
    const named = { ...plain, decision: { ...plain.decision!, caseNumber: 'SFN 2021/0130' } };
    expect(withOwnCase(named, { name: 'Servicenämnden' }, 'SFN 2026/0007')).toBe(named);
    expect(withOwnCase(plain, { name: 'Servicenämnden' }, null)).toBe(plain);
  });
});

describe('findRepeat', () => {
  const same = hashAnswer(normalise({ position: 'approve' }, SECTIONS, 0, NO_SERIES), []);
  const other = hashAnswer(normalise({ position: 'approve' }, SECTIONS, 0, NO_SERIES), ['ab']);

  it('tells answers apart by their files too', () => {
    expect(same).not.toBe(other);
  });

  it('finds the newest earlier answer with the same content', () => {
    const earlier = parseEarlier(`7 ${other},5 ${same},3 ${same}`);
    expect(findRepeat(earlier, undefined, same)).toBe(5);
    expect(findRepeat(parseEarlier(null), undefined, same)).toBeNull();
  });

  it('answers a key with its answer, and refuses it with another', () => {
    expect(findRepeat(parseEarlier(`4 ${same}`), 'svar-1', same)).toBe(4);
    expect(findRepeat([], 'svar-1', same)).toBeNull();
    expect(thrown(() => findRepeat(parseEarlier(`4 ${same}`), 'svar-1', other)).code).toBe(
      'idempotency_key_reused',
    );
  });
});

describe('assertOpen', () => {
  it('takes answers only while the round is sent', () => {
    expect(() => assertOpen({ id: 1, status: 'sent' })).not.toThrow();
    expect(thrown(() => assertOpen({ id: 1, status: 'closed' })).code).toBe('round_not_open');
    expect(thrown(() => assertOpen({ id: 1, status: 'draft' })).code).toBe('round_not_open');
  });
});
