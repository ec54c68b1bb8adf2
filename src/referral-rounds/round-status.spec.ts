import { assertRecipientTransition, assertRoundTransition } from './round-status.js';

describe('round status', () => {
  it('goes draft → sent → closed, sends again for late additions, and can drop a draft', () => {
    expect(() => assertRoundTransition('draft', 'sent')).not.toThrow();
    expect(() => assertRoundTransition('sent', 'sent')).not.toThrow();
    expect(() => assertRoundTransition('sent', 'closed')).not.toThrow();
    expect(() => assertRoundTransition('draft', 'closed')).not.toThrow();
  });

  it('refuses anything after closing with 409', () => {
    expect(() => assertRoundTransition('closed', 'sent')).toThrow(
      expect.objectContaining({
        status: 409,
        code: 'invalid_transition',
        message: 'A round that is closed cannot become sent',
      }),
    );
    expect(() => assertRoundTransition('closed', 'closed')).toThrow('cannot become closed');
    expect(() => assertRoundTransition('sent', 'draft')).toThrow('cannot become draft');
  });
});

describe('recipient status', () => {
  it('is sent before it can be answered, and a failed delivery can be sent again', () => {
    expect(() => assertRecipientTransition('pending', 'sent')).not.toThrow();
    expect(() => assertRecipientTransition('sent', 'failed')).not.toThrow();
    expect(() => assertRecipientTransition('failed', 'sent')).not.toThrow();
    expect(() => assertRecipientTransition('sent', 'answered')).not.toThrow();
    expect(() => assertRecipientTransition('answered', 'declined')).not.toThrow();
  });

  it('refuses answering an invitation that was never sent, and un-answering', () => {
    expect(() => assertRecipientTransition('pending', 'answered')).toThrow(
      'A recipient that is pending cannot become answered',
    );
    expect(() => assertRecipientTransition('answered', 'sent')).toThrow('cannot become sent');
    expect(() => assertRecipientTransition('declined', 'failed')).toThrow('cannot become failed');
  });
});
