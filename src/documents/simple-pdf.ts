import PDFDocument from 'pdfkit';

/** The drawing helpers of a one-column text PDF. */
export interface PdfKit {
  pdf: PDFKit.PDFDocument;
  heading: (text: string) => void;
  body: (text: string) => void;
  /** `Label: value` on one line, the label bold. */
  field: (label: string, value: string) => void;
}

export interface PdfInfo {
  title: string;
  author: string;
  subject: string;
  creator: string;
}

/**
 * A short tagged A4 PDF of text (Swedish language tag, title shown), as the service writes
 * answers given without a file and cover letters: `draw` lays out its content.
 */
export function renderSimplePdf(info: PdfInfo, draw: (kit: PdfKit) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({
      size: 'A4',
      margins: { top: 56, bottom: 56, left: 64, right: 64 },
      lang: 'sv-SE',
      displayTitle: true,
      info: {
        Title: info.title,
        Author: info.author,
        Subject: info.subject,
        Creator: info.creator,
      },
    });
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    draw({
      pdf,
      heading: (text) => {
        pdf.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(text).moveDown(0.2);
      },
      body: (text) => {
        pdf.font('Helvetica').fontSize(11).text(text, { lineGap: 2 });
      },
      field: (label, value) => {
        pdf
          .font('Helvetica-Bold')
          .fontSize(11)
          .text(`${label}: `, { continued: true })
          .font('Helvetica')
          .text(value);
      },
    });
    pdf.end();
  });
}
