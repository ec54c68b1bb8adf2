/**
 * The mail templates, each a folder `templates/mail/<name>/` with `subject.hbs`, `text.hbs` and
 * `html.hbs`, and the variables each is rendered with. Every template also gets
 * `municipalityName`.
 */
export interface MailTemplateContexts {
  'round-invitation': RoundInvitationContext;
  'deadline-reminder': DeadlineReminderContext;
  'overdue-notice': RecipientMailContext;
  'extension-granted': ExtensionGrantedContext;
  'response-received': ResponseReceivedContext;
  'protocol-extract': ProtocolExtractContext;
}

export type MailTemplateName = keyof MailTemplateContexts;

export const MAIL_TEMPLATE_NAMES: readonly MailTemplateName[] = [
  'round-invitation',
  'deadline-reminder',
  'overdue-notice',
  'extension-granted',
  'response-received',
  'protocol-extract',
];

/** Partials under `templates/mail/partials/`, usable as `{{> name}}` in every template. */
export const MAIL_PARTIALS = ['signature-text', 'signature-html'] as const;

/** Stands in for a secure link in a stored mail; replaced with the real link as it is sent. */
export const RESPONSE_LINK_PLACEHOLDER = 'https://remiss.invalid/respond/personal-link';

export interface InvitationDocument {
  documentNumber: string;
  title: string;
  fileName: string;
  size: number;
}

// remissmissiv
export interface RoundInvitationContext {
  recipientName: string;
  senderName: string;
  senderEmail: string | null;
  caseNumber: string;
  roundTitle: string;
  message: string | null;
  deadline: string;
  responseUrl: string;
  documents: InvitationDocument[];
  documentsAttached: boolean;
  sections: { ref: string; title: string }[];
  /** A new link replacing an earlier one. */
  reissued: boolean;
  /** The consultee's own case for the remiss, when it keeps a series here. */
  ownCaseNumber: string | null;
}

/** What every mail to a recipient of a round says about it. */
export interface RecipientMailContext {
  recipientName: string;
  senderName: string;
  senderEmail: string | null;
  caseNumber: string;
  roundTitle: string;
  /** The recipient's own deadline. */
  deadline: string;
  responseUrl: string;
}

// påminnelse
export interface DeadlineReminderContext extends RecipientMailContext {
  /** Days from the reminder's day to the deadline; 0 on the day itself. */
  daysLeft: number;
  oneDayLeft: boolean;
}

// anstånd
export interface ExtensionGrantedContext extends RecipientMailContext {
  previousDeadline: string;
  reason: string;
}

// kvittens
export interface ResponseReceivedContext {
  recipientName: string;
  senderName: string;
  senderEmail: string | null;
  caseNumber: string;
  roundTitle: string;
  documentNumber: string;
  positionLabel: string;
  /** Stockholm calendar day it came in. */
  submittedOn: string;
  late: boolean;
  deadline: string;
  /** It replaces an earlier answer. */
  supersedes: boolean;
}

// expediering av protokollsutdrag
export interface ProtocolExtractContext {
  recipientName: string;
  /** The deciding organisation. */
  senderName: string;
  senderEmail: string | null;
  caseNumber: string;
  paragraph: number;
  itemTitle: string;
  meetingDate: string;
  adjustedOn: string;
  documentNumber: string;
  fileName: string;
}
