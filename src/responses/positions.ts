import type { Position, ReceivedVia } from './response.entity.js';

/** What each position is called in Swedish documents, mails and pages. */
export const POSITION_LABELS: Record<Position, string> = {
  approve: 'Tillstyrker',
  approve_with_comments: 'Tillstyrker med synpunkter',
  reject: 'Avstyrker',
  no_comments: 'Inget att invända',
  declined: 'Avstår från att svara',
};

export const RECEIVED_VIA_LABELS: Record<ReceivedVia, string> = {
  account: 'inloggad användare',
  link: 'personlig länk',
  email: 'e-post',
  paper: 'papper',
};
