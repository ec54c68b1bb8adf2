import {
  AlignmentType,
  BorderStyle,
  Footer,
  Header,
  HeadingLevel,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';

/** A4 with 2.5 cm margins: 11,906 × 16,838 twips, 1,417 twips a margin. */
export const PAGE = { width: 11_906, height: 16_838, margin: 1_417 } as const;
/** The width text and tables may use, in twips (dxa). */
export const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin;

export const FONT = 'Arial';

export function heading(text: string, level: 1 | 2 | 3 = 2): Paragraph {
  const levels = {
    1: HeadingLevel.HEADING_1,
    2: HeadingLevel.HEADING_2,
    3: HeadingLevel.HEADING_3,
  };
  return new Paragraph({ text, heading: levels[level], spacing: { before: 240, after: 120 } });
}

/** Paragraphs of text; blank lines in it separate paragraphs. */
export function text(content: string, options: { italic?: boolean; indent?: number } = {}) {
  return content.split(/\n\s*\n/).map(
    (paragraph) =>
      new Paragraph({
        indent: options.indent ? { left: options.indent } : undefined,
        spacing: { after: 120 },
        children: paragraph
          .split('\n')
          .map(
            (line, index) =>
              new TextRun({ text: line, italics: options.italic, break: index > 0 ? 1 : 0 }),
          ),
      }),
  );
}

/** `Label: value` on one line, the label bold. */
export function field(label: string, value: string): Paragraph {
  return new Paragraph({
    spacing: { after: 60 },
    children: [new TextRun({ text: `${label}: `, bold: true }), new TextRun(value)],
  });
}

/**
 * A table with a header row and explicit column widths (fractions of the text width): Word and
 * LibreOffice then lay it out the same, which they do not with automatic widths.
 */
export function table(columns: { title: string; share: number }[], rows: string[][]): Table {
  const widths = columns.map((column) => Math.round(column.share * TEXT_WIDTH));
  const border = { style: BorderStyle.SINGLE, size: 4, color: '808080' };
  const cell = (content: string, width: number, header: boolean) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      borders: { top: border, bottom: border, left: border, right: border },
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      children: [new Paragraph({ children: [new TextRun({ text: content, bold: header })] })],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({
        tableHeader: true,
        children: columns.map((column, index) => cell(column.title, widths[index], true)),
      }),
      ...rows.map(
        (row) =>
          new TableRow({
            cantSplit: true,
            children: row.map((content, index) => cell(content, widths[index], false)),
          }),
      ),
    ],
  });
}

export function pageHeader(left: string): Header {
  return new Header({
    children: [
      new Paragraph({ children: [new TextRun({ text: left, size: 18, color: '444444' })] }),
    ],
  });
}

/** `Sida n (m)` at the right of every page. */
export function pageFooter(): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        children: [
          new TextRun({
            children: ['Sida ', PageNumber.CURRENT, ' (', PageNumber.TOTAL_PAGES, ')'],
            size: 18,
          }),
        ],
      }),
    ],
  });
}
