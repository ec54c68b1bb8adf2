import { renderSimplePdf } from '../documents/simple-pdf.js';
import { POSITION_LABELS, RECEIVED_VIA_LABELS } from './positions.js';
import type { Position, ReceivedVia } from './response.entity.js';

/** The consultee's decision behind an answer: organ, day, paragraph and case number. */
export interface AnswerDecision {
  organ: string | null;
  date: string | null;
  paragraph: string | null;
  caseNumber: string | null;
}

export interface AnswerDocument {
  municipalityName: string;
  organisation: string;
  caseNumber: string;
  roundTitle: string;
  /** Stockholm calendar day it came in. */
  receivedOn: string;
  receivedVia: ReceivedVia;
  late: boolean;
  position: Position;
  summary: string | null;
  decision: AnswerDecision | null;
  comments: { sectionRef: string; sectionTitle: string; text: string }[];
}

/** The decision reference as one line: `Servicenämnden 2021-09-08 § 87, dnr SFN 2021/0130`. */
export function decisionLine(decision: AnswerDocument['decision']): string | null {
  if (!decision) return null;
  const parts = [
    decision.organ,
    decision.date,
    decision.paragraph ? `§ ${decision.paragraph}` : null,
  ].filter(Boolean);
  const reference = decision.caseNumber ? `dnr ${decision.caseNumber}` : null;
  const line = [parts.join(' '), reference].filter(Boolean).join(', ');
  return line || null;
}

/**
 * An answer given without a file, as a short tagged PDF for the case: who answered, when and how,
 * the position, the decision reference, the summary and every section comment.
 */
export function renderAnswerPdf(answer: AnswerDocument): Promise<Buffer> {
  const info = {
    title: `Remissvar från ${answer.organisation} (${answer.caseNumber})`,
    author: answer.organisation,
    subject: answer.roundTitle,
    creator: `${answer.municipalityName} – remisstjänsten`,
  };
  return renderSimplePdf(info, ({ pdf, heading, body, field }) => {
    pdf.font('Helvetica').fontSize(9).fillColor('#444444').text(answer.municipalityName);
    pdf.fillColor('#000000').moveDown(0.5).font('Helvetica-Bold').fontSize(18).text('Remissvar');
    pdf.font('Helvetica').fontSize(12).text(answer.organisation).moveDown(0.6);
    field('Ärende', `${answer.caseNumber} – ${answer.roundTitle}`);
    field(
      'Inkom',
      `${answer.receivedOn} via ${RECEIVED_VIA_LABELS[answer.receivedVia]}` +
        (answer.late ? ' (efter svarstiden)' : ''),
    );
    field('Ställningstagande', POSITION_LABELS[answer.position]);
    const decision = decisionLine(answer.decision);
    if (decision) field('Beslut', decision);
    if (answer.summary) {
      heading('Sammanfattning');
      body(answer.summary);
    }
    if (answer.comments.length > 0) {
      heading('Synpunkter per avsnitt');
      for (const comment of answer.comments) {
        pdf
          .moveDown(0.4)
          .font('Helvetica-Bold')
          .fontSize(11)
          .text(`${comment.sectionRef} ${comment.sectionTitle}`);
        body(comment.text);
      }
    }
  });
}
