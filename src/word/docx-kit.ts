import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  ImageRun,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type ITableBordersOptions,
  type ITableCellOptions,
} from 'docx';

/** A4 with 2.5 cm margins: 11,906 × 16,838 twips, 1,417 twips a margin. */
export const PAGE = { width: 11_906, height: 16_838, margin: 1_417 } as const;
/** The width text and tables may use, in twips (dxa). */
export const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin;
/** Left and right inner margin of a {@link table}'s cells, in twips. */
export const TABLE_CELL_MARGIN = 80;

export const FONT = 'Arial';

/** What a document's body is made of. */
export type Block = Paragraph | Table;

/** Red, for what is not yet final (UTKAST). */
export const DRAFT_COLOUR = 'C00000';
/** A thin grey rule for boxes and under headers. */
export const RULE = { style: BorderStyle.SINGLE, size: 4, color: '808080' } as const;
const SIGNATURE_LINE = { style: BorderStyle.SINGLE, size: 4, color: '000000', space: 1 } as const;
/** Room to sign above a signature line, in twips. */
export const SIGNATURE_ROOM = 480;
/** The logo is 3.5 cm wide: pixels at 96 to the inch. */
const LOGO_WIDTH_PX = Math.round((3.5 / 2.54) * 96);

/** Fills `{name}` placeholders of a wording template; unknown ones are left as they are. */
export const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));

export const hasText = (value: string | null): value is string =>
  value !== null && value.trim() !== '';

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
/**
 * A table with a header row repeated on every page. `width` is in twips; the last column takes
 * what is left of the text width. `size` is the text size in half-points.
 */
export function table(
  columns: { title: string; width?: number }[],
  rows: string[][],
  options: { size?: number } = {},
): Table {
  const fixed = columns.slice(0, -1).reduce((sum, column) => sum + (column.width ?? 0), 0);
  const widths = columns.map((column, index) =>
    index === columns.length - 1 ? TEXT_WIDTH - fixed : (column.width ?? 0),
  );
  const border = { style: BorderStyle.SINGLE, size: 4, color: '808080' };
  const cell = (content: string, width: number, header: boolean) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      borders: { top: border, bottom: border, left: border, right: border },
      margins: { top: 40, bottom: 40, left: TABLE_CELL_MARGIN, right: TABLE_CELL_MARGIN },
      children: [
        new Paragraph({
          children: [new TextRun({ text: content, bold: header, size: options.size })],
        }),
      ],
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

/** Page-number text from a template with `{page}` and `{pages}`, as Word fields. */
export function pageNumbers(template: string) {
  const children = template
    .split(/(\{page\}|\{pages\})/)
    .filter((part) => part !== '')
    .map((part) =>
      part === '{page}' ? PageNumber.CURRENT : part === '{pages}' ? PageNumber.TOTAL_PAGES : part,
    );
  return new TextRun({ children, size: 18 });
}

/** The page number at the right of every page, from a template with `{page}` and `{pages}`. */
export function pageFooter(template = 'Sida {page} ({pages})'): Footer {
  return new Footer({
    children: [
      new Paragraph({ alignment: AlignmentType.RIGHT, children: [pageNumbers(template)] }),
    ],
  });
}

/** Column widths in twips from shares of the text width; the last column takes the rounding. */
export function columns(...shares: number[]): number[] {
  const widths = shares.map((share) => Math.floor(share * TEXT_WIDTH));
  widths[widths.length - 1] += TEXT_WIDTH - widths.reduce((total, width) => total + width, 0);
  return widths;
}

/** A fixed-layout table with explicit widths (LibreOffice lays out automatic widths badly). */
export function grid(
  widths: number[],
  rows: TableRow[],
  borders: ITableBordersOptions = TableBorders.NONE,
) {
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders,
    rows,
  });
}

export function cell(
  width: number,
  children: Paragraph[],
  options: Partial<ITableCellOptions> = {},
) {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    ...options,
    children: children.length > 0 ? children : [new Paragraph({})],
  });
}

/** One line of text in one run. */
export function line(
  content: string,
  options: { bold?: boolean; italics?: boolean; size?: number; color?: string } = {},
) {
  return new Paragraph({ children: [new TextRun({ text: content, ...options })] });
}

/** A small italic label above what it names (Sammanträdesdatum, Sekreterare, Datum …). */
export function label(content: string, spaceBefore = 240) {
  return new Paragraph({
    keepNext: true,
    spacing: { before: spaceBefore, after: 40 },
    children: [new TextRun({ text: content, italics: true, size: 20 })],
  });
}

/** A red boxed notice that the document is a draft. */
export function draftNotice(message: string) {
  const border = { style: BorderStyle.SINGLE, size: 12, color: DRAFT_COLOUR, space: 4 };
  return new Paragraph({
    spacing: { before: 120, after: 240 },
    border: { top: border, bottom: border, left: border, right: border },
    children: [new TextRun({ text: message, bold: true, color: DRAFT_COLOUR, size: 24 })],
  });
}

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  const signature = png.length >= 24 && png.readUInt32BE(0) === 0x89504e47;
  if (!signature || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('The logo must be a PNG image');
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The municipality's logo (a PNG, 3.5 cm wide) at the right; an empty paragraph without one. */
export function logoParagraph(logo: Buffer | null, municipalityName: string) {
  if (!logo) return new Paragraph({});
  const size = pngSize(logo);
  return new Paragraph({
    alignment: AlignmentType.RIGHT,
    children: [
      new ImageRun({
        type: 'png',
        data: logo,
        transformation: {
          width: LOGO_WIDTH_PX,
          height: Math.max(1, Math.round((LOGO_WIDTH_PX * size.height) / size.width)),
        },
        altText: { name: municipalityName, description: municipalityName, title: municipalityName },
      }),
    ],
  });
}

export interface Signatory {
  name: string;
  role: string | null;
}

/**
 * Room to sign, the line, the name under it and, if given, the role under the name; `keepLast`
 * keeps the last line with what follows.
 */
export function signature({ name, role }: Signatory, keepLast = false): Paragraph[] {
  return [
    new Paragraph({ keepNext: true, spacing: { before: SIGNATURE_ROOM } }),
    new Paragraph({
      keepNext: true,
      border: { top: SIGNATURE_LINE },
      children: [new TextRun(name)],
    }),
    ...(role
      ? [
          new Paragraph({
            keepNext: keepLast,
            children: [new TextRun({ text: role, size: 18 })],
          }),
        ]
      : []),
  ];
}

/**
 * Signatures two to a row, each under its own line, in a borderless table. `keepWithNext` keeps
 * the last row on the page of what follows, so a block of signatures is never split from it.
 */
export function signatures(people: Signatory[], options: { keepWithNext?: boolean } = {}): Table {
  const widths = columns(0.5, 0.5);
  const rows: TableRow[] = [];
  for (let index = 0; index < people.length; index += 2) {
    rows.push(
      new TableRow({
        cantSplit: true,
        keepNext: index + 2 < people.length || options.keepWithNext === true,
        children: widths.map((width, column) => {
          const person = people[index + column];
          const paragraphs = person ? signature(person, options.keepWithNext === true) : [];
          return cell(width, paragraphs, {
            margins: { top: 0, bottom: 40, left: 0, right: 567 },
          });
        }),
      }),
    );
  }
  return grid(widths, rows);
}

/**
 * An A4 document in Arial with black headings (1–3) and one section: the given header and footer
 * on every page.
 */
export function renderDocument(options: {
  creator: string;
  title: string;
  /** Language tag of the text, for spelling and screen readers (`sv-SE`). */
  language: string;
  header: Header;
  footer: Footer;
  children: Block[];
}): Promise<Buffer> {
  const heading = (size: number) => ({
    run: { font: FONT, size, bold: true, color: '000000' },
    paragraph: { spacing: { before: 240, after: 60 }, keepNext: true, keepLines: true },
  });
  const document = new Document({
    creator: options.creator,
    title: options.title,
    styles: {
      default: {
        document: { run: { font: FONT, size: 22, language: { value: options.language } } },
        heading1: heading(32),
        heading2: heading(28),
        heading3: heading(22),
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: {
              top: PAGE.margin,
              bottom: PAGE.margin,
              left: PAGE.margin,
              right: PAGE.margin,
            },
          },
        },
        headers: { default: options.header },
        footers: { default: options.footer },
        children: options.children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
