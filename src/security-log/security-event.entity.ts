import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const SECURITY_EVENT_KINDS = [
  'login_failed',
  'token_refused',
  'forbidden',
  'rate_limited',
  /** A password sign-in that PASSWORD_LOGIN does not allow for the account. */
  'password_login_refused',
  /** A single sign-on return that failed its checks, or a person the provider gives no role. */
  'sso_refused',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

/**
 * A refused request: a failed login, a bearer token that is forged, expired or from an ended
 * session, a 403 or a 429. Repeats of the same kind from one address on
 * one route for one account within a minute share a row and raise its `count`.
 */
@Entity('security_event')
@Index(
  'uq_security_event_bucket',
  ['kind', 'minute', 'clientAddress', 'method', 'route', 'account'],
  {
    unique: true,
  },
)
@Index('ix_security_event_address', ['clientAddress', 'id'])
@Index('ix_security_event_account', ['account', 'id'])
@Index('ix_security_event_last_at', ['lastAt'])
export class SecurityEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  kind: SecurityEventKind;

  /** The UTC minute the row counts; the coalescing bucket. */
  @Column({ type: 'datetime' })
  minute: Date;

  @Column({ name: 'client_address', type: 'varchar', length: 64 })
  clientAddress: string;

  @Column({ type: 'varchar', length: 10 })
  method: string;

  /** The route pattern (`/api/respond/:token`), never the path with its secrets. */
  @Column({ type: 'varchar', length: 200 })
  route: string;

  /** The e-mail address tried or the caller's account; empty when there is none. */
  @Column({ type: 'varchar', length: 254 })
  account: string;

  @Column({ name: 'user_id', type: 'int', unsigned: true, nullable: true })
  userId: number | null;

  @Column({ type: 'int', unsigned: true })
  count: number;

  @Column({ name: 'first_at', type: 'datetime', precision: 3 })
  firstAt: Date;

  @Column({ name: 'last_at', type: 'datetime', precision: 3 })
  lastAt: Date;

  /** The server's id of the first request in the row. */
  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  @Column({ name: 'client_request_id', type: 'varchar', length: 64, nullable: true })
  clientRequestId: string | null;
}
