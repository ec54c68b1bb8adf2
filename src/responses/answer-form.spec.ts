import { DomainError } from '../common/domain-error.js';
import { answerFromForm, formErrors, validAnswer } from './answer-form.js';

const sections = [
  { ref: '4.3 a', title: 'Mötesplatser' },
  { ref: '5.1 a', title: 'Nätverk' },
];

describe('the answer form', () => {
  it('turns filled-in fields into an answer and leaves out the empty ones', () => {
    const { answer, commentFields } = answerFromForm(
      {
        position: 'approve_with_comments',
        summary: '  ',
        comment_0: '',
        comment_1: 'Bra.',
        decision_case_number: ' SFN 2026/0130 ',
        decision_date: '',
      },
      sections,
    );
    expect(answer).toEqual({
      position: 'approve_with_comments',
      summary: undefined,
      comments: [{ sectionRef: '5.1 a', text: 'Bra.' }],
      decision: { caseNumber: 'SFN 2026/0130' },
    });
    expect(commentFields).toEqual(['comment_1']);
  });

  it('validates like the JSON route and names the form fields in Swedish', async () => {
    const { answer, commentFields } = answerFromForm(
      { decision_date: '2026-02-30', comment_1: 'x'.repeat(20_001) },
      sections,
    );
    const error = await validAnswer(answer).catch((caught: DomainError) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(formErrors(error as DomainError, commentFields)).toEqual([
      { field: 'position', message: 'Välj ett ställningstagande.' },
      { field: 'comment_1', message: 'Synpunkten får vara högst 20 000 tecken.' },
      {
        field: 'decision_date',
        message: 'Ange beslutsdatum som ÅÅÅÅ-MM-DD, till exempel 2026-09-08.',
      },
    ]);
  });

  it('puts a refused file next to the file field', () => {
    const refused = new DomainError(415, 'unsupported_file_type', 'not allowed');
    expect(formErrors(refused, [])).toEqual([
      {
        field: 'files',
        message:
          'Filen kan inte tas emot. Bifoga PDF, Word, OpenDocument, Excel, text, bild eller e-post.',
      },
    ]);
  });

  it('says so when the round no longer takes answers', () => {
    const closed = new DomainError(409, 'round_not_open', 'closed');
    expect(formErrors(closed, [])).toEqual([
      { field: 'summary', message: 'Remissen tar inte längre emot svar.' },
    ]);
  });
});
