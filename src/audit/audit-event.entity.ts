import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonTransformer } from '../database/transformers.js';

// logg: append-only, enforced by triggers in the database
@Entity('audit_event')
@Index('ix_audit_event_entity', ['entity', 'entityId', 'id'])
@Index('ix_audit_event_actor', ['actorUserId', 'id'])
@Index('ix_audit_event_occurred_at', ['occurredAt'])
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt: Date;

  @Column({ name: 'actor_user_id', type: 'int', unsigned: true, nullable: true })
  actorUserId: number | null;

  @Column({ name: 'actor_label', type: 'varchar', length: 254 })
  actorLabel: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 64 })
  entity: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 64 })
  entityId: string;

  @Column({ name: 'before_state', type: 'longtext', nullable: true, transformer: jsonTransformer })
  before: object | null;

  @Column({ name: 'after_state', type: 'longtext', nullable: true, transformer: jsonTransformer })
  after: object | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  /** The caller's own X-Request-Id, kept apart from the server's id. */
  @Column({ name: 'client_request_id', type: 'varchar', length: 64, nullable: true })
  clientRequestId: string | null;
}
