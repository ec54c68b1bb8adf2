import { longSwedishDate, withoutRemissPrefix } from '../common/templates.js';
import { renderSimplePdf } from '../documents/simple-pdf.js';

export interface CoverLetter {
  municipalityName: string;
  sender: string;
  senderCaseNumber: string;
  recipient: string;
  roundTitle: string;
  sentOn: string;
  deadline: string;
  message: string | null;
  documents: { documentNumber: string; title: string }[];
  sections: { ref: string; title: string }[];
}

/**
 * The cover letter (missiv) of a remiss as the consultee registers it: who sends what, in which
 * case, the deadline, the message, the documents and the points answers may comment on.
 */
export function renderCoverLetterPdf(letter: CoverLetter): Promise<Buffer> {
  const info = {
    title: `Missiv: ${withoutRemissPrefix(letter.roundTitle)} (${letter.senderCaseNumber})`,
    author: letter.sender,
    subject: letter.roundTitle,
    creator: `${letter.municipalityName} – remisstjänsten`,
  };
  return renderSimplePdf(info, ({ pdf, heading, body, field }) => {
    pdf.font('Helvetica').fontSize(9).fillColor('#444444').text(letter.municipalityName);
    pdf.fillColor('#000000').moveDown(0.5).font('Helvetica-Bold').fontSize(18).text('Remiss');
    pdf.font('Helvetica').fontSize(12).text(letter.roundTitle).moveDown(0.6);
    field('Från', `${letter.sender}, ärende ${letter.senderCaseNumber}`);
    field('Till', letter.recipient);
    field('Skickad', letter.sentOn);
    field('Svar senast', `${letter.deadline} (${longSwedishDate(letter.deadline)})`);
    if (letter.message) {
      heading('Missiv');
      body(letter.message);
    }
    heading('Handlingar');
    for (const document of letter.documents) body(`${document.documentNumber} ${document.title}`);
    if (letter.sections.length > 0) {
      heading('Punkter att lämna synpunkter på');
      for (const section of letter.sections) body(`${section.ref} ${section.title}`);
    }
  });
}
