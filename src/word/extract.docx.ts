import {
  AlignmentType,
  Footer,
  Header,
  HeadingLevel,
  HeightRule,
  Paragraph,
  TableBorders,
  TableRow,
  TextRun,
  VerticalAlignTable,
  type ITableBordersOptions,
} from 'docx';
import {
  cell,
  columns,
  DRAFT_COLOUR,
  draftNotice,
  fill,
  grid,
  hasText,
  label,
  line,
  logoParagraph,
  pageFooter,
  pageNumbers,
  renderDocument,
  RULE,
  signature,
  SIGNATURE_ROOM,
  signatures,
  text,
  TEXT_WIDTH,
  type Block,
} from './docx-kit.js';

/** A meeting (sammanträde) as its protocol and extracts show it. Dates are `YYYY-MM-DD`. */
export interface MeetingData {
  municipalityName: string;
  /** The organ that met, e.g. "Kommunstyrelsens arbetsutskott". */
  organisation: string;
  date: string;
  /** `HH:MM`, or null when not recorded. */
  startsAt: string | null;
  place: string;
  chair: string;
  secretary: string;
  adjusters: string[];
  /** Members taking part (beslutande); when empty the chair and adjusters are listed. */
  present: string[];
  /** Justeringsdatum; null while the protocol is a draft. */
  adjustedOn: string | null;
  noticePostedOn: string | null;
  noticeRemovedOn: string | null;
  lastAppealDay: string | null;
  /** Where the protocol is kept (förvaringsplats). */
  keptAt: string;
}

/** One paragraph (§) of a meeting. Text fields may hold lines and blank-line-separated paragraphs. */
export interface ItemData {
  paragraph: number;
  title: string;
  caseNumber: string | null;
  documents: string | null;
  background: string | null;
  proposals: string | null;
  decisionProcess: string | null;
  deliberation: string | null;
  decision: string;
  reservations: string | null;
  sendTo: string[];
  /** The day this paragraph was adjusted (with the meeting or at once); null = draft. */
  adjustedOn: string | null;
}

/** The item's text sections, in the order a paragraph shows them. */
const SECTIONS = [
  'documents',
  'background',
  'proposals',
  'decisionProcess',
  'deliberation',
  'decision',
  'reservations',
] as const;
type SectionKey = (typeof SECTIONS)[number];

/**
 * The wording of the protocol and its extracts, from `templates/word/extract.json`. `{name}`
 * placeholders are filled in; `footer.page` takes `{page}` and `{pages}`.
 */
export interface WordWording {
  /** Language tag of the text, for spelling and screen readers (`sv-SE`). */
  language: string;
  extract: string;
  protocol: string;
  draft: string;
  extractDraftNotice: string;
  protocolDraftNotice: string;
  /** Under a paragraph of an adjusted protocol that is itself not adjusted. */
  itemDraftNotice: string;
  meetingDate: string;
  /** `{n}` */
  paragraph: string;
  /** `{first}`, `{last}` */
  paragraphRange: string;
  caseNumber: string;
  sections: Record<SectionKey, string>;
  sendTo: string;
  secretary: string;
  chair: string;
  adjuster: string;
  adjust: string;
  /** Printed under a name on a signature line. */
  roles: Record<'secretary' | 'chair' | 'adjuster', string>;
  certification: string;
  /** `{date}`: the day the paragraph was adjusted. */
  certificationNote: string;
  certificationPending: string;
  front: {
    placeAndTime: string;
    /** `{place}`, `{date}`, `{time}` */
    placeAndTimeValue: string;
    /** `{place}`, `{date}` */
    placeAndDateValue: string;
    present: string;
    /** `{name}`, `{role}` */
    presentWithRole: string;
    appointedAdjusters: string;
    adjustmentDate: string;
    paragraphs: string;
    signatures: string;
  };
  notice: Record<
    | 'heading'
    | 'adjusted'
    | 'draft'
    | 'organ'
    | 'meetingDate'
    | 'postedOn'
    | 'removedOn'
    | 'lastAppealDay'
    | 'keptAt'
    | 'signature',
    string
  >;
  /** Shown for a date not yet known. */
  noDate: string;
  footer: { page: string; adjusterSignature: string; certification: string };
}

const BOXED: ITableBordersOptions = {
  top: RULE,
  bottom: RULE,
  left: RULE,
  right: RULE,
  insideHorizontal: RULE,
  insideVertical: RULE,
};

/**
 * The frame's top on every page: municipality and organ at the left; the kind of document
 * (a draft's in red) and the meeting date in the middle; the logo at the right.
 */
function frameHeader(
  meeting: MeetingData,
  kinds: { text: string; draft: boolean }[],
  wording: WordWording,
  logo: Buffer | null,
) {
  const [left, middle, right] = columns(0.4, 0.36, 0.24);
  const bottomRule = { ...TableBorders.NONE, bottom: RULE };
  return new Header({
    children: [
      grid(
        [left, middle, right],
        [
          new TableRow({
            children: [
              cell(left, [
                line(meeting.municipalityName, { bold: true, size: 24 }),
                line(meeting.organisation, { size: 20 }),
              ]),
              cell(middle, [
                ...kinds.map((kind) =>
                  kind.draft
                    ? new Paragraph({
                        children: [
                          new TextRun({
                            text: kind.text,
                            bold: true,
                            size: 28,
                            color: DRAFT_COLOUR,
                          }),
                        ],
                      })
                    : line(kind.text, { bold: true, size: 20 }),
                ),
                line(wording.meetingDate, { italics: true, size: 16 }),
                line(meeting.date, { size: 20 }),
              ]),
              cell(right, [logoParagraph(logo, meeting.municipalityName)], {
                verticalAlign: VerticalAlignTable.CENTER,
              }),
            ],
          }),
        ],
        bottomRule,
      ),
      new Paragraph({ spacing: { after: 120 } }),
    ],
  });
}

/** The protocol's foot on every page: boxes to initial, and the page number. */
function protocolFooter(wording: WordWording) {
  const widths = columns(0.27, 0.27, 0.46);
  const boxed = { top: RULE, bottom: RULE, left: RULE, right: RULE };
  const box = (width: number, title: string) =>
    cell(width, [line(title, { size: 14 })], { borders: boxed });
  return new Footer({
    children: [
      grid(widths, [
        new TableRow({
          height: { value: 560, rule: HeightRule.ATLEAST },
          children: [
            box(widths[0], wording.footer.adjusterSignature),
            box(widths[1], wording.footer.certification),
            cell(
              widths[2],
              [
                new Paragraph({
                  alignment: AlignmentType.RIGHT,
                  children: [pageNumbers(wording.footer.page)],
                }),
              ],
              { verticalAlign: VerticalAlignTable.BOTTOM },
            ),
          ],
        }),
      ]),
      new Paragraph({}),
    ],
  });
}

/** One paragraph (§): heading, title, Dnr, the sections with content, and who gets it. */
function itemBlocks(
  item: ItemData,
  wording: WordWording,
  options: { pageBreakBefore?: boolean; spaceBefore?: number; draftNotice?: string } = {},
): Block[] {
  const blocks: Block[] = [
    new Paragraph({
      heading: HeadingLevel.HEADING_2,
      pageBreakBefore: options.pageBreakBefore,
      spacing: options.spaceBefore ? { before: options.spaceBefore, after: 60 } : undefined,
      children: [new TextRun(fill(wording.paragraph, { n: item.paragraph }))],
    }),
    new Paragraph({
      keepNext: true,
      spacing: { after: 120 },
      children: [new TextRun({ text: item.title, bold: true, size: 24 })],
    }),
  ];
  if (hasText(item.caseNumber)) {
    blocks.push(
      new Paragraph({
        spacing: { after: 120 },
        children: [
          new TextRun({ text: wording.caseNumber, italics: true }),
          new TextRun(` ${item.caseNumber.trim()}`),
        ],
      }),
    );
  }
  if (options.draftNotice) blocks.push(draftNotice(options.draftNotice));
  for (const key of SECTIONS) {
    const content = item[key];
    if (key !== 'decision' && !hasText(content)) continue;
    blocks.push(
      new Paragraph({
        heading: HeadingLevel.HEADING_3,
        children: [new TextRun(wording.sections[key])],
      }),
      ...text((content ?? '').replace(/\r\n?/g, '\n').trim()),
    );
  }
  if (item.sendTo.length > 0) {
    blocks.push(
      new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun(wording.sendTo)] }),
      ...item.sendTo.map((name) => line(name)),
    );
  }
  return blocks;
}

function render(
  meeting: MeetingData,
  wording: WordWording,
  title: string,
  header: Header,
  footer: Footer,
  children: Block[],
): Promise<Buffer> {
  return renderDocument({
    creator: meeting.municipalityName,
    title,
    language: wording.language,
    header,
    footer,
    children,
  });
}

/**
 * The protocol extract (protokollsutdrag) of one paragraph. Until the paragraph is adjusted it is
 * marked UTKAST throughout and carries no certification.
 */
export async function buildExtract(
  meeting: MeetingData,
  item: ItemData,
  wording: WordWording,
  logo: Buffer | null,
): Promise<Buffer> {
  const draft = item.adjustedOn === null;
  const kind = draft ? wording.draft : wording.extract;
  const children: Block[] = [
    ...(draft ? [draftNotice(wording.extractDraftNotice)] : []),
    ...itemBlocks(item, wording),
    // The signatures and the certification stay together: a page never holds the certification
    // alone.
    label(wording.secretary, 360),
    signatures([{ name: meeting.secretary, role: null }], { keepWithNext: true }),
    label(wording.adjust),
    signatures(
      [
        { name: meeting.chair, role: wording.roles.chair },
        ...meeting.adjusters.map((name) => ({ name, role: wording.roles.adjuster })),
      ],
      { keepWithNext: true },
    ),
    label(wording.certification),
    ...(item.adjustedOn === null
      ? [
          new Paragraph({
            children: [
              new TextRun({
                text: wording.certificationPending,
                italics: true,
                color: DRAFT_COLOUR,
              }),
            ],
          }),
        ]
      : [
          new Paragraph({
            keepNext: true,
            children: [new TextRun(fill(wording.certificationNote, { date: item.adjustedOn }))],
          }),
          signatures([{ name: meeting.secretary, role: wording.roles.secretary }]),
        ]),
  ];
  return render(
    meeting,
    wording,
    `${kind} ${fill(wording.paragraph, { n: item.paragraph })} ${item.title}`,
    frameHeader(meeting, [{ text: kind, draft }], wording, logo),
    pageFooter(wording.footer.page),
    children,
  );
}

/** Label and value lines, two columns, no borders. */
function fieldRows(widths: number[], rows: [string, string[]][]): TableRow[] {
  return rows.map(
    ([name, values]) =>
      new TableRow({
        cantSplit: true,
        children: [
          cell(widths[0], [line(name, { italics: true })]),
          cell(
            widths[1],
            values.map((value) => line(value)),
          ),
        ],
      }),
  );
}

function frontPage(meeting: MeetingData, items: ItemData[], wording: WordWording): Block[] {
  const { front, notice } = wording;
  const numbers = items.map((item) => item.paragraph);
  const first = Math.min(...numbers);
  const last = Math.max(...numbers);
  const range =
    numbers.length === 0
      ? wording.noDate
      : first === last
        ? fill(wording.paragraph, { n: first })
        : fill(wording.paragraphRange, { first, last });
  const withRole = (name: string, role: string) => fill(front.presentWithRole, { name, role });
  const present =
    meeting.present.length > 0
      ? meeting.present.map((name) =>
          name === meeting.chair ? withRole(name, wording.roles.chair) : name,
        )
      : [withRole(meeting.chair, wording.roles.chair), ...meeting.adjusters];
  const placeAndTime = fill(meeting.startsAt ? front.placeAndTimeValue : front.placeAndDateValue, {
    place: meeting.place,
    date: meeting.date,
    time: meeting.startsAt ?? '',
  });
  const fieldWidths = columns(0.3, 0.7);
  const signatureCell = (people: string[]) =>
    cell(
      fieldWidths[1],
      people.flatMap((name) => signature({ name, role: null })),
      { margins: { top: 0, bottom: 80, left: 80, right: 2_268 } },
    );
  const signatureRow = (role: string, people: string[]) =>
    new TableRow({
      cantSplit: true,
      children: [cell(fieldWidths[0], [label(role, SIGNATURE_ROOM + 220)]), signatureCell(people)],
    });
  const orDash = (date: string | null) => date ?? wording.noDate;
  const noticeWidths = columns(0.42, 0.58);
  const noticeRows: [string, string][] = [
    [notice.organ, meeting.organisation],
    [notice.meetingDate, meeting.date],
    [notice.postedOn, orDash(meeting.noticePostedOn)],
    [notice.removedOn, orDash(meeting.noticeRemovedOn)],
    [notice.lastAppealDay, orDash(meeting.lastAppealDay)],
    [notice.keptAt, meeting.keptAt],
  ];

  return [
    ...(meeting.adjustedOn === null ? [draftNotice(wording.protocolDraftNotice)] : []),
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(wording.protocol)] }),
    new Paragraph({
      spacing: { after: 240 },
      children: [new TextRun({ text: meeting.organisation, bold: true, size: 26 })],
    }),
    grid(
      fieldWidths,
      fieldRows(fieldWidths, [
        [front.placeAndTime, [placeAndTime]],
        [front.present, present],
        [wording.secretary, [meeting.secretary]],
        [front.appointedAdjusters, meeting.adjusters],
        [front.adjustmentDate, [orDash(meeting.adjustedOn)]],
        [front.paragraphs, [range]],
      ]),
    ),
    new Paragraph({
      keepNext: true,
      spacing: { before: 240 },
      children: [new TextRun({ text: front.signatures, bold: true })],
    }),
    grid(fieldWidths, [
      signatureRow(wording.secretary, [meeting.secretary]),
      signatureRow(wording.chair, [meeting.chair]),
      signatureRow(wording.adjuster, meeting.adjusters),
    ]),
    new Paragraph({ keepNext: true, spacing: { before: 360 } }),
    grid(
      noticeWidths,
      [
        new TableRow({
          cantSplit: true,
          keepNext: true,
          children: [
            cell(
              TEXT_WIDTH,
              [
                line(notice.heading, { bold: true }),
                line(meeting.adjustedOn === null ? notice.draft : notice.adjusted),
              ],
              { columnSpan: 2 },
            ),
          ],
        }),
        ...noticeRows.map(
          ([name, value]) =>
            new TableRow({
              cantSplit: true,
              keepNext: true,
              children: [
                cell(noticeWidths[0], [line(name, { italics: true, size: 20 })]),
                cell(noticeWidths[1], [line(value)]),
              ],
            }),
        ),
        new TableRow({
          cantSplit: true,
          height: { value: 700, rule: HeightRule.ATLEAST },
          children: [
            cell(noticeWidths[0], [line(notice.signature, { italics: true, size: 20 })]),
            cell(noticeWidths[1], []),
          ],
        }),
      ],
      BOXED,
    ),
  ];
}

/**
 * The whole protocol (sammanträdesprotokoll): a front page with the meeting's facts, the
 * signatures and the ANSLAG/BEVIS box, then every paragraph from a new page on.
 */
export async function buildProtocol(
  meeting: MeetingData,
  items: ItemData[],
  wording: WordWording,
  logo: Buffer | null,
): Promise<Buffer> {
  const draft = meeting.adjustedOn === null;
  const kinds = [{ text: wording.protocol, draft: false }];
  if (draft) kinds.push({ text: wording.draft, draft: true });
  const children: Block[] = [
    ...frontPage(meeting, items, wording),
    ...items.flatMap((item, index) =>
      itemBlocks(item, wording, {
        pageBreakBefore: index === 0,
        spaceBefore: index === 0 ? undefined : 600,
        draftNotice: !draft && item.adjustedOn === null ? wording.itemDraftNotice : undefined,
      }),
    ),
  ];
  return render(
    meeting,
    wording,
    `${wording.protocol} ${meeting.organisation} ${meeting.date}`,
    frameHeader(meeting, kinds, wording, logo),
    protocolFooter(wording),
    children,
  );
}
