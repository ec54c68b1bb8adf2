import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/** Counts login attempts per client address and account, so guessing one password is slow. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const body = request.body as { email?: unknown } | undefined;
    const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
    const ips = request.ips as string[] | undefined;
    const ip = ips?.length ? ips[0] : String(request.ip);
    return Promise.resolve(`${ip}|${email}`);
  }
}
