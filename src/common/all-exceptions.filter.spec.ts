import { ArgumentsHost, ForbiddenException, PayloadTooLargeException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { QueryFailedError } from 'typeorm';
import { AllExceptionsFilter, ErrorBody } from './all-exceptions.filter.js';
import { DomainError } from './domain-error.js';

// A stand-in for Express's request and response: the filter only reads and writes these fields.
function run(exception: unknown): { status: number; body: ErrorBody } {
  const sent = { status: 0, body: {} as ErrorBody };
  const response = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: ErrorBody) {
      sent.body = body;
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ id: 'req-1', method: 'GET', path: '/api/x' }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  const filter = new AllExceptionsFilter();
  // Keep expected 5xx logging out of the test output.
  (filter as unknown as { logger: { error: () => void } }).logger = { error: () => undefined };
  filter.catch(exception, host);
  return sent;
}

describe('AllExceptionsFilter', () => {
  it('keeps the code and details of a domain error', () => {
    const { status, body } = run(
      DomainError.validation([{ field: 'name', messages: ['name must be a string'] }]),
    );
    expect(status).toBe(400);
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'validation_failed',
      message: 'name must be a string',
      details: [{ field: 'name', messages: ['name must be a string'] }],
      requestId: 'req-1',
    });
  });

  it('maps Nest HTTP exceptions to the same shape', () => {
    const { status, body } = run(new ForbiddenException('nope'));
    expect(status).toBe(403);
    expect(body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      code: 'forbidden',
      message: 'nope',
      requestId: 'req-1',
    });
  });

  it('answers 503 when the database connection is refused', () => {
    const refused = new QueryFailedError(
      'SELECT 1',
      [],
      Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    );
    expect(run(refused)).toMatchObject({ status: 503, body: { code: 'service_unavailable' } });
    expect(run(Object.assign(new Error('lost'), { code: 'PROTOCOL_CONNECTION_LOST' })).status).toBe(
      503,
    );
  });

  it('hides the details of unexpected errors', () => {
    const { status, body } = run(new Error('secret internals'));
    expect(status).toBe(500);
    expect(body.message).toBe('An unexpected error occurred');
    expect(JSON.stringify(body)).not.toContain('secret internals');
  });
});

describe('AllExceptionsFilter on 429 and 413', () => {
  function respond(exception: unknown, path: string, headers: Record<string, string> = {}) {
    const sent = { status: 0, json: undefined as unknown, html: '', headers: { ...headers } };
    const response = {
      status(code: number) {
        sent.status = code;
        return this;
      },
      json(body: unknown) {
        sent.json = body;
      },
      getHeader: (name: string) => sent.headers[name],
      setHeader(name: string, value: string) {
        sent.headers[name] = value;
        return this;
      },
      type() {
        return this;
      },
      send(html: string) {
        sent.html = html;
      },
    };
    const host = {
      switchToHttp: () => ({
        getRequest: () => ({ id: 'req-2', method: 'POST', path }),
        getResponse: () => response,
      }),
    } as unknown as ArgumentsHost;
    new AllExceptionsFilter({
      linkPages: {
        renderRateLimited: (seconds) => `<p>vänta ${seconds}</p>`,
        renderTooLarge: () => '<p>för stort</p>',
      },
    }).catch(exception, host);
    return sent;
  }

  it('sends a standard Retry-After on a 429 whose guard set none', () => {
    const sent = respond(new ThrottlerException('slow down'), '/api/uploads');
    expect(sent.status).toBe(429);
    expect(sent.headers['Retry-After']).toBe('60');
    expect(sent.json).toMatchObject({ code: 'too_many_requests', requestId: 'req-2' });
  });

  it('keeps the Retry-After a guard set, and answers the link page in HTML', () => {
    const sent = respond(new ThrottlerException(), '/respond/abc', { 'Retry-After': '17' });
    expect(sent.headers['Retry-After']).toBe('17');
    expect(sent.headers['Cache-Control']).toBe('no-store');
    expect(sent.html).toBe('<p>vänta 17</p>');
    expect(sent.json).toBeUndefined();
  });

  it('answers a 413 on the link page in HTML and on the JSON API in JSON', () => {
    const page = respond(new PayloadTooLargeException(), '/respond/abc');
    expect(page).toMatchObject({ status: 413, html: '<p>för stort</p>', json: undefined });
    const api = respond(new PayloadTooLargeException(), '/api/respond/abc');
    expect(api.status).toBe(413);
    expect(api.json).toMatchObject({ code: 'payload_too_large' });
    expect(api.html).toBe('');
  });
});
