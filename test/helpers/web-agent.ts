import request from 'supertest';
import type { TestApp } from './test-app.js';

export type Agent = ReturnType<typeof request.agent>;

/** The CSRF token of the first form on a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`No CSRF field in ${html.slice(0, 200)}`);
  return match[1];
}

/** A browser-like agent signed in to the staff pages (the session cookie kept between requests). */
export async function signInAgent(t: TestApp, email: string, password: string): Promise<Agent> {
  const agent = request.agent(t.app.getHttpServer());
  const form = await agent.get('/login').expect(200);
  const response = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfOf(form.text), email, password });
  if (response.status !== 303) throw new Error(`sign-in failed: ${response.status}`);
  return agent;
}

/** The text of an HTML page without tags, with whitespace collapsed, for plain assertions. */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
