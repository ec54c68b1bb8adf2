import { loggablePath } from './loggable-path.js';

describe('loggablePath', () => {
  it('keeps secure-link tokens and query strings out of the log', () => {
    const token = 'EM-SLs8vhhfu_OaH3YJhD3x9c3W2V_DILAnbhVJtzrc';
    expect(loggablePath(`/respond/${token}`)).toBe('/respond/[token]');
    expect(loggablePath(`/api/respond/${token}/documents/4?x=1`)).toBe(
      '/api/respond/[token]/documents/4',
    );
    expect(loggablePath('/api/cases?q=personnummer')).toBe('/api/cases');
  });
});
