import { Paragraph, TextRun } from 'docx';
import { POSITION_LABELS } from '../responses/positions.js';
import type { Position } from '../responses/response.entity.js';
import {
  field,
  fill,
  heading,
  pageFooter,
  pageHeader,
  renderDocument,
  table,
  text,
} from './docx-kit.js';

/** The compilation's wording, from `templates/word/compilation.json`. */
export interface CompilationWording {
  /** Language tag of the text, e.g. `sv-SE`. */
  language: string;
  title: string;
  case: string;
  deadline: string;
  compiledOn: string;
  counts: string;
  answersHeading: string;
  columns: Record<'organisation' | 'position' | 'answeredOn' | 'late' | 'decision', string>;
  yes: string;
  no: string;
  /** The late column of an answer from a recipient granted more time, with `{answer}` and `{deadline}`. */
  withExtension: string;
  sectionsHeading: string;
  noComments: string;
  summariesHeading: string;
  noSummary: string;
  notAnsweredHeading: string;
  notAnsweredItem: string;
  /** As `notAnsweredItem`, for a recipient granted more time. */
  notAnsweredExtendedItem: string;
  declinedHeading: string;
  nobody: string;
}

export interface CompilationAnswer {
  position: Position;
  answeredOn: string;
  late: boolean;
  decision: string | null;
  summary: string | null;
}

export interface CompilationData {
  municipalityName: string;
  caseNumber: string;
  roundTitle: string;
  deadline: string;
  compiledOn: string;
  /**
   * In the order they are listed (by name). `deadline` is the recipient's own (the round's, or
   * the extension's); `extended` says it was granted more time.
   */
  recipients: {
    organisation: string;
    deadline: string;
    extended?: boolean;
    answer: CompilationAnswer | null;
  }[];
  sections: { ref: string; title: string; comments: { organisation: string; text: string }[] }[];
}

/**
 * The answer table's columns in twips (10 pt text, 80 twips cell margins each side). Each fits the
 * longest word it holds, so nothing breaks mid-word in Word or LibreOffice: "Ställningstagande" in
 * bold Arial 10 pt is 86.2 pt (1,723 twips), a date such as 2026-11-12 is 51.1 pt (1,023 twips),
 * "Kommunfullmäktige" 91.8 pt (1,836 twips). The decision column takes the rest (2,222 twips).
 */
export const ANSWER_COLUMNS = { organisation: 2100, position: 1950, answeredOn: 1250, late: 1550 };
const TABLE_TEXT_SIZE = 20;

/**
 * The remissammanställning: every recipient's position in a table, then every comment per
 * section of the draft, the summaries, and who did not answer or declined.
 */
export async function buildCompilation(
  data: CompilationData,
  wording: CompilationWording,
): Promise<Buffer> {
  const answered = data.recipients.filter(
    (recipient) => recipient.answer && recipient.answer.position !== 'declined',
  );
  const declined = data.recipients.filter((recipient) => recipient.answer?.position === 'declined');
  const missing = data.recipients.filter((recipient) => !recipient.answer);
  const list = (items: string[]) =>
    items.length === 0
      ? text(wording.nobody)
      : items.map((item) => new Paragraph({ text: item, bullet: { level: 0 } }));

  const children = [
    heading(wording.title, 1),
    new Paragraph({
      spacing: { after: 200 },
      children: [new TextRun({ text: data.roundTitle, bold: true, size: 28 })],
    }),
    field(wording.case, data.caseNumber),
    field(wording.deadline, data.deadline),
    field(wording.compiledOn, data.compiledOn),
    ...text(
      fill(wording.counts, {
        total: data.recipients.length,
        answered: answered.length,
        declined: declined.length,
        missing: missing.length,
      }),
    ),
    heading(wording.answersHeading),
    table(
      [
        { title: wording.columns.organisation, width: ANSWER_COLUMNS.organisation },
        { title: wording.columns.position, width: ANSWER_COLUMNS.position },
        { title: wording.columns.answeredOn, width: ANSWER_COLUMNS.answeredOn },
        { title: wording.columns.late, width: ANSWER_COLUMNS.late },
        { title: wording.columns.decision },
      ],
      data.recipients
        .filter((recipient) => recipient.answer)
        .map(({ organisation, answer, deadline, extended }) => {
          const late = answer!.late ? wording.yes : wording.no;
          return [
            organisation,
            POSITION_LABELS[answer!.position],
            answer!.answeredOn,
            // An answer after the round's deadline but within an extension is not late: say why.
            extended ? fill(wording.withExtension, { answer: late, deadline }) : late,
            answer!.decision ?? '',
          ];
        }),
      { size: TABLE_TEXT_SIZE },
    ),
    heading(wording.sectionsHeading),
    ...data.sections.flatMap((section) => [
      heading(`${section.ref} ${section.title}`, 3),
      ...(section.comments.length === 0
        ? text(wording.noComments, { italic: true })
        : section.comments.flatMap((comment) => [
            new Paragraph({
              keepNext: true,
              children: [new TextRun({ text: comment.organisation, bold: true })],
            }),
            ...text(`”${comment.text}”`, { italic: true, indent: 567 }),
          ])),
    ]),
    heading(wording.summariesHeading),
    ...answered.flatMap(({ organisation, answer }) => [
      heading(`${organisation} – ${POSITION_LABELS[answer!.position]}`, 3),
      ...text(answer!.summary ?? wording.noSummary, { italic: !answer!.summary }),
    ]),
    heading(wording.notAnsweredHeading),
    ...list(
      missing.map((recipient) =>
        fill(recipient.extended ? wording.notAnsweredExtendedItem : wording.notAnsweredItem, {
          organisation: recipient.organisation,
          deadline: recipient.deadline,
        }),
      ),
    ),
    heading(wording.declinedHeading),
    ...list(declined.map((recipient) => recipient.organisation)),
  ];

  return renderDocument({
    creator: data.municipalityName,
    title: `${wording.title}: ${data.roundTitle} (${data.caseNumber})`,
    language: wording.language,
    header: pageHeader(`${data.municipalityName} · ${data.caseNumber}`),
    footer: pageFooter(),
    children,
  });
}
