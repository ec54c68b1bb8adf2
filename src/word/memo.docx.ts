import { Header, HeadingLevel, Paragraph, TableBorders, TableRow, TextRun } from 'docx';
import {
  cell,
  columns,
  DRAFT_COLOUR,
  draftNotice,
  fill,
  grid,
  hasText,
  heading,
  label,
  line,
  logoParagraph,
  pageFooter,
  renderDocument,
  RULE,
  signatures,
  text,
  type Block,
} from './docx-kit.js';

/**
 * What the answering committee's officer writes for the committee (tjänsteskrivelse): the
 * proposal to adopt the administration's answer to a referral round. Dates are `YYYY-MM-DD`.
 */
export interface MemoData {
  municipalityName: string;
  /** Handläggare: the officer's name. */
  officer: string;
  /** Left out when null. */
  officerPhone: string | null;
  date: string;
  /** Ärendebeteckning: the committee's own case, e.g. "SFN 2021/0130". */
  caseNumber: string;
  committee: string;
  /** The round's title as given; the memo's title uses it inside a sentence. */
  roundTitle: string;
  /** The organisation that sent the round, e.g. "Kommunstyrelsen". */
  sender: string;
  senderCaseNumber: string;
  /** The committee's own deadline. */
  deadline: string;
  /** The day the remiss came in (was sent to the committee). */
  receivedOn: string;
  /** The round's deadline when the committee was granted a later one, else null. */
  originalDeadline: string | null;
  /** Förslag till beslut; null gives the wording's default. */
  proposal: string | null;
  /**
   * Bakgrund; null gives the wording's default: what came in, from whom, when, and by when the
   * committee must answer, written for the committee (not the cover letter to the recipient).
   */
  background: string | null;
  /** Yttrande: paragraphs separated by blank lines; null gives a placeholder to write over. */
  statement: string | null;
  /** Comments on sections of the draft, printed under the statement. */
  comments: { sectionRef: string; sectionTitle: string | null; text: string }[];
  /** Empty gives one blank signature line with the wording's default title. */
  signatures: { name: string; title: string }[];
  /** Bilagor, one line each; empty leaves the section out. */
  attachments: string[];
  /** Not yet final: marked UTKAST. */
  draft: boolean;
  /**
   * The remiss is under secrecy: every page's header carries the marking (the documents' own
   * markings such as "OSL 26 kap. 1 §", or null for the wording's general one).
   */
  confidentiality: { marking: string | null } | null;
}

/**
 * The memo's wording, from `templates/word/memo.json`. The `defaults` and `title` take
 * `{committee}`, `{sender}` (inside a sentence: "kommunstyrelsen"), `{senderName}` (as given:
 * "Kommunstyrelsen"), `{roundTitle}` (inside a sentence), `{deadline}`, `{senderCaseNumber}`,
 * `{caseNumber}`, `{receivedOn}` and `{originalDeadline}`;
 * `footer.page` takes `{page}` and `{pages}`.
 */
export interface MemoWording {
  /** Language tag of the text, for spelling and screen readers (`sv-SE`). */
  language: string;
  /** The kind of document, shown in the top block. */
  kind: string;
  draft: string;
  /** The header line of a memo under secrecy: `{marking}`. */
  confidential: string;
  /** The marking when the documents carry none of their own. */
  confidentialDefault: string;
  draftNotice: string;
  officer: string;
  date: string;
  caseNumber: string;
  title: string;
  /** The file's title property: `{caseNumber}`, `{title}`. */
  documentTitle: string;
  headings: Record<'proposal' | 'background' | 'statement' | 'attachments', string>;
  defaults: Record<
    'proposal' | 'background' | 'backgroundExtension' | 'statement' | 'signatureTitle',
    string
  >;
  /** A section comment without a section title: `{sectionRef}`, `{text}`. */
  comment: string;
  /** `{sectionRef}`, `{sectionTitle}`, `{text}` */
  commentWithTitle: string;
  footer: { page: string };
}

/**
 * A name as it reads inside a sentence: the first letter lower-cased unless the second is not a
 * lower-case letter (an acronym such as "EU-strategi" stays as it is).
 */
function inSentence(name: string): string {
  return /^\p{Lu}\p{Ll}/u.test(name) ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

/** Paragraphs of user-written text, line endings normalised. */
function paragraphs(content: string, options: { italic?: boolean } = {}) {
  return text(content.replace(/\r\n?/g, '\n').trim(), options);
}

/** Municipality at the left and the logo at the right of every page, over a thin rule. */
function memoHeader(municipalityName: string, logo: Buffer | null, secrecy: string | null) {
  const [left, right] = columns(0.6, 0.4);
  const municipality = [line(municipalityName, { bold: true, size: 24 })];
  if (secrecy !== null) municipality.push(line(secrecy, { bold: true, color: DRAFT_COLOUR }));
  return new Header({
    children: [
      grid(
        [left, right],
        [
          new TableRow({
            children: [
              cell(left, municipality),
              cell(right, [logoParagraph(logo, municipalityName)]),
            ],
          }),
        ],
        { ...TableBorders.NONE, bottom: RULE },
      ),
      new Paragraph({ spacing: { after: 120 } }),
    ],
  });
}

/** Handläggare at the left; the kind of document, Datum and Ärendebeteckning at the right. */
function topBlock(data: MemoData, wording: MemoWording) {
  const [left, right] = columns(0.55, 0.45);
  const officer = [label(wording.officer, 0), line(data.officer)];
  if (hasText(data.officerPhone)) officer.push(line(data.officerPhone.trim()));
  const facts = [
    line(wording.kind, { bold: true, size: 24 }),
    ...(data.draft ? [line(wording.draft, { bold: true, size: 24, color: DRAFT_COLOUR })] : []),
    label(wording.date, 160),
    line(data.date),
    label(wording.caseNumber, 160),
    line(data.caseNumber),
  ];
  return grid(
    [left, right],
    [new TableRow({ cantSplit: true, children: [cell(left, officer), cell(right, facts)] })],
  );
}

/**
 * The tjänsteskrivelse in which an answering committee's administration proposes its answer
 * (remissvar) to a referral round: top block, proposal, background, statement with the section
 * comments, signatures and attachments.
 */
export function buildMemo(
  data: MemoData,
  wording: MemoWording,
  logo: Buffer | null,
): Promise<Buffer> {
  const values = {
    committee: data.committee,
    sender: inSentence(data.sender),
    senderName: data.sender,
    roundTitle: inSentence(data.roundTitle),
    deadline: data.deadline,
    senderCaseNumber: data.senderCaseNumber,
    caseNumber: data.caseNumber,
    receivedOn: data.receivedOn,
    originalDeadline: data.originalDeadline ?? '',
  };
  const background = [
    fill(wording.defaults.background, values),
    ...(data.originalDeadline ? [fill(wording.defaults.backgroundExtension, values)] : []),
  ].join(' ');
  const title = fill(wording.title, values);
  const people =
    data.signatures.length > 0
      ? data.signatures.map(({ name, title: role }) => ({ name, role }))
      : [{ name: '', role: wording.defaults.signatureTitle }];

  const children: Block[] = [
    topBlock(data, wording),
    ...(data.draft ? [draftNotice(wording.draftNotice)] : []),
    new Paragraph({
      spacing: { before: 360, after: 120 },
      children: [new TextRun({ text: data.committee, size: 24 })],
    }),
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(title)] }),
    heading(wording.headings.proposal),
    ...paragraphs(hasText(data.proposal) ? data.proposal : fill(wording.defaults.proposal, values)),
    heading(wording.headings.background),
    ...paragraphs(hasText(data.background) ? data.background : background),
    heading(wording.headings.statement),
    ...(hasText(data.statement)
      ? paragraphs(data.statement)
      : paragraphs(wording.defaults.statement, { italic: true })),
    ...data.comments.flatMap(({ sectionRef, sectionTitle, text: comment }) =>
      paragraphs(
        hasText(sectionTitle)
          ? fill(wording.commentWithTitle, { sectionRef, sectionTitle, text: comment })
          : fill(wording.comment, { sectionRef, text: comment }),
      ),
    ),
    signatures(people),
    ...(data.attachments.length > 0
      ? [
          heading(wording.headings.attachments),
          ...data.attachments.flatMap((attachment) => paragraphs(attachment)),
        ]
      : []),
  ];

  return renderDocument({
    creator: data.municipalityName,
    title: fill(wording.documentTitle, { caseNumber: data.caseNumber, title }),
    language: wording.language,
    header: memoHeader(
      data.municipalityName,
      logo,
      data.confidentiality === null
        ? null
        : fill(wording.confidential, {
            marking: data.confidentiality.marking ?? wording.confidentialDefault,
          }),
    ),
    footer: pageFooter(wording.footer.page),
    children,
  });
}
