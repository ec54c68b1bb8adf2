import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { withDescendants } from '../organisations/organisation-tree.js';
import { mayRecordFor } from './meeting-access.js';

/** An organisation whose minutes someone keeps. */
export interface RecordedOrganisation {
  id: number;
  name: string;
}

/**
 * Whose minutes an actor keeps, by the rule of {@link mayRecordFor}: for the pages, which decide
 * which actions to offer (the services still check every write themselves).
 */
@Injectable()
export class MeetingAccessService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Whether the actor records the meetings of the organisation (clerk of it or above it, admin). */
  mayRecord(actor: Actor, organisationId: number): Promise<boolean> {
    return mayRecordFor(this.dataSource.manager, actor, organisationId);
  }

  /**
   * The active organisations a clerk keeps the minutes of: their own and those under them, by
   * name. Admins and others get none here (admins act through the API).
   */
  async recordedBy(actor: Actor): Promise<RecordedOrganisation[]> {
    if (!actor.roles.includes('clerk') || actor.organisationIds.length === 0) return [];
    const manager = this.dataSource.manager;
    const ids = new Set<number>();
    for (const id of actor.organisationIds) {
      for (const under of await withDescendants(manager, id)) ids.add(under);
    }
    const rows = await manager.find(Organisation, {
      select: { id: true, name: true },
      where: { id: In([...ids]), active: true },
    });
    return rows
      .map((row) => ({ id: row.id, name: row.name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'sv') || a.id - b.id);
  }
}
