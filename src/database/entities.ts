import { ArchiveExport, ArchiveExportCase } from '../archive/archive-export.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { CaseSearchTerm } from '../cases/case-search-term.entity.js';
import { Case } from '../cases/case.entity.js';
import { Extension } from '../deadlines/extension.entity.js';
import { Reminder } from '../deadlines/reminder.entity.js';
import { Document } from '../documents/document.entity.js';
import { MailOutbox } from '../mail/mail-outbox.entity.js';
import {
  Meeting,
  MeetingItem,
  MeetingItemDispatch,
  ParagraphSequence,
} from '../meetings/meeting.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import {
  ReferralRound,
  ReferralRoundDocument,
  RoundLink,
  RoundRecipient,
} from '../referral-rounds/referral-round.entity.js';
import { Response, ResponseComment, ResponseDocument } from '../responses/response.entity.js';
import { SecurityEvent } from '../security-log/security-event.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, listed once: the app, the migration CLI and the tests share this list. */
export const ENTITIES = [
  ArchiveExport,
  ArchiveExportCase,
  AuditEvent,
  Case,
  CaseSearchTerm,
  Document,
  Extension,
  MailOutbox,
  Meeting,
  MeetingItem,
  MeetingItemDispatch,
  Organisation,
  ParagraphSequence,
  ReferralRound,
  ReferralRoundDocument,
  Reminder,
  Response,
  ResponseComment,
  ResponseDocument,
  RoundLink,
  RoundRecipient,
  SecurityEvent,
  User,
];
