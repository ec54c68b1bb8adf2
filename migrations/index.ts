// Every migration in the order it runs; `npm run migration:generate` adds new ones here.
import { CreateDirectoryUsersAudit1795334400000 } from './1795334400000-CreateDirectoryUsersAudit.js';
import { CreateCaseRegister1795340000000 } from './1795340000000-CreateCaseRegister.js';
import { CreateReferralRoundsAndOutbox1795350000000 } from './1795350000000-CreateReferralRoundsAndOutbox.js';
import { CreateExtensionsAndReminders1795360000000 } from './1795360000000-CreateExtensionsAndReminders.js';
import { CreateResponses1795370000000 } from './1795370000000-CreateResponses.js';
import { CreateMeetings1795380000000 } from './1795380000000-CreateMeetings.js';
import { LinkConsulteeCases1795390000000 } from './1795390000000-LinkConsulteeCases.js';
import { ReconcileMailOutbox1795400000000 } from './1795400000000-ReconcileMailOutbox.js';
import { EndSessionsAndLogSecurityEvents1795404000000 } from './1795404000000-EndSessionsAndLogSecurityEvents.js';
import { RecordWhenRemissOpened1796042817350 } from './1796042817350-RecordWhenRemissOpened.js';
import { IndexRecipientsForTheDesk1796047318000 } from './1796047318000-IndexRecipientsForTheDesk.js';
import { AddSingleSignOnIdentity1796100000000 } from './1796100000000-AddSingleSignOnIdentity.js';
import { AllowSingleSignOnLink1796200000000 } from './1796200000000-AllowSingleSignOnLink.js';
import { CreateArchiveExports1796300000000 } from './1796300000000-CreateArchiveExports.js';
import { CreateCaseSearchTerms1796400000000 } from './1796400000000-CreateCaseSearchTerms.js';

export const MIGRATIONS = [
  CreateDirectoryUsersAudit1795334400000,
  CreateCaseRegister1795340000000,
  CreateReferralRoundsAndOutbox1795350000000,
  CreateExtensionsAndReminders1795360000000,
  CreateResponses1795370000000,
  CreateMeetings1795380000000,
  LinkConsulteeCases1795390000000,
  ReconcileMailOutbox1795400000000,
  EndSessionsAndLogSecurityEvents1795404000000,
  RecordWhenRemissOpened1796042817350,
  IndexRecipientsForTheDesk1796047318000,
  AddSingleSignOnIdentity1796100000000,
  AllowSingleSignOnLink1796200000000,
  CreateArchiveExports1796300000000,
  CreateCaseSearchTerms1796400000000,
];
