import type { Response } from 'express';
import { setCookie } from './cookies.js';
import { safeNext } from './sign-in.controller.js';

describe('sign-in', () => {
  it('follows only a path on this site after sign-in', () => {
    expect(safeNext('/cases?status=open')).toBe('/cases?status=open');
    expect(safeNext('//evil.example/x')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/x\r\nSet-Cookie: a=b')).toBe('/');
    expect(safeNext(undefined)).toBe('/');
    expect(safeNext(['/a', '/b'])).toBe('/');
  });

  it('makes the cookie Secure only under https', () => {
    const calls: unknown[][] = [];
    const response = { cookie: (...args: unknown[]) => calls.push(args) } as unknown as Response;
    setCookie(response, { publicUrl: new URL('https://remiss.exempel.se') }, 'remiss_session', 'v');
    setCookie(response, { publicUrl: new URL('http://localhost:3000') }, 'remiss_session', 'v');
    expect(calls).toEqual([
      ['remiss_session', 'v', { httpOnly: true, sameSite: 'lax', path: '/', secure: true }],
      ['remiss_session', 'v', { httpOnly: true, sameSite: 'lax', path: '/', secure: false }],
    ]);
  });
});
