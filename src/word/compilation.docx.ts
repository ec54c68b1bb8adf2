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
  sectionsHeading: string;
  noComments: string;
  summariesHeading: string;
  noSummary: string;
  notAnsweredHeading: string;
  notAnsweredItem: string;
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
  /** In the order they are listed (by name). */
  recipients: { organisation: string; deadline: string; answer: CompilationAnswer | null }[];
  sections: { ref: string; title: string; comments: { organisation: string; text: string }[] }[];
}

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
        { title: wording.columns.organisation, share: 0.28 },
        { title: wording.columns.position, share: 0.22 },
        { title: wording.columns.answeredOn, share: 0.14 },
        { title: wording.columns.late, share: 0.1 },
        { title: wording.columns.decision, share: 0.26 },
      ],
      data.recipients
        .filter((recipient) => recipient.answer)
        .map(({ organisation, answer }) => [
          organisation,
          POSITION_LABELS[answer!.position],
          answer!.answeredOn,
          answer!.late ? wording.yes : wording.no,
          answer!.decision ?? '',
        ]),
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
        fill(wording.notAnsweredItem, {
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
