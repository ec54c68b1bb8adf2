import type { AppConfig } from '../config/env.schema.js';
import { MailRenderer } from './mail-renderer.js';
import type { RoundInvitationContext } from './mail-templates.js';

const renderer = new MailRenderer({
  templatesDir: 'templates',
  municipalityName: 'Kalmar kommun',
} as AppConfig);

const invitation: RoundInvitationContext = {
  recipientName: 'Servicenämnden',
  senderName: 'Kommunstyrelsen',
  senderEmail: 'kommunstyrelsen@kalmar.se',
  caseNumber: 'KS 2021/0486',
  roundTitle: 'Strategi för etnisk och kulturell inkludering',
  message: 'Utskottet har beslutat att skicka förslaget på remiss.',
  deadline: '2021-08-20',
  responseUrl: 'https://remiss.kalmar.se/respond/abc',
  documents: [
    {
      documentNumber: 'KS 2021/0486-1',
      title: 'Förslag till strategi',
      fileName: 'strategi.pdf',
      size: 204_800,
    },
  ],
  documentsAttached: true,
  sections: [{ ref: '4.3 a', title: 'Kompetensutveckling' }],
  reissued: false,
  ownCaseNumber: null,
};

describe('MailRenderer', () => {
  it('renders the invitation in Swedish with both date forms, the link and the documents', () => {
    const mail = renderer.render('round-invitation', invitation);
    expect(mail.subject).toBe(
      'Remiss: Strategi för etnisk och kulturell inkludering (KS 2021/0486) – svar senast 2021-08-20',
    );
    expect(mail.text).toContain('Sista dag för svar: 2021-08-20 (den 20 augusti 2021).');
    expect(mail.text).toContain('- KS 2021/0486-1 Förslag till strategi (strategi.pdf, 200 kB)');
    expect(mail.text).toContain('- 4.3 a Kompetensutveckling');
    expect(mail.text).toContain('https://remiss.kalmar.se/respond/abc');
    expect(mail.text).toContain('Kalmar kommun');
    expect(mail.html).toContain('<a href="https://remiss.kalmar.se/respond/abc"');
  });

  it("names the consultee's own case, and says Remiss once in the subject", () => {
    const mail = renderer.render('round-invitation', {
      ...invitation,
      roundTitle: 'Remiss: Strategi för etnisk och kulturell inkludering',
      ownCaseNumber: 'SFN 2021/0130',
    });
    expect(mail.subject).toBe(
      'Remiss: Strategi för etnisk och kulturell inkludering (KS 2021/0486) – svar senast 2021-08-20',
    );
    expect(mail.text).toContain('Remissen är registrerad hos er som ärende SFN 2021/0130.');
    expect(mail.html).toContain('Remissen är registrerad hos er som ärende SFN 2021/0130.');
    const plain = renderer.render('round-invitation', invitation);
    expect(plain.text).not.toContain('registrerad hos er');
  });

  it('escapes HTML in the HTML body but not in the text body', () => {
    const mail = renderer.render('round-invitation', {
      ...invitation,
      message: 'Svar <b>senast</b> & helst tidigare',
    });
    expect(mail.html).toContain('Svar &lt;b&gt;senast&lt;/b&gt; &amp; helst tidigare');
    expect(mail.text).toContain('Svar <b>senast</b> & helst tidigare');
  });

  it('keeps the subject on one line whatever the title holds', () => {
    const mail = renderer.render('round-invitation', {
      ...invitation,
      roundTitle: 'Rad ett\r\nBcc: någon@example.com',
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain('Rad ett Bcc: någon@example.com');
  });

  it('fails the render when a variable is missing instead of mailing a blank', () => {
    const withoutNumber: Partial<RoundInvitationContext> = { ...invitation };
    delete withoutNumber.caseNumber;
    expect(() =>
      renderer.render('round-invitation', withoutNumber as unknown as RoundInvitationContext),
    ).toThrow(/round-invitation failed to render: "caseNumber" not defined/);
    // Also a value only tested in a condition: absent values are null, never missing.
    const withoutEmail: Partial<RoundInvitationContext> = { ...invitation };
    delete withoutEmail.senderEmail;
    expect(() =>
      renderer.render('round-invitation', withoutEmail as unknown as RoundInvitationContext),
    ).toThrow(/round-invitation failed to render: \{\{#if\}\} on line \d+ names a value/);
    expect(
      renderer.render('round-invitation', { ...invitation, senderEmail: null }).text,
    ).not.toContain('Frågor om remissen');
  });
});
