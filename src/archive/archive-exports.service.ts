import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { DocumentContent } from '../documents/documents.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, encodeCursor, type Page } from '../common/pagination.js';
import { insertRows } from '../database/bulk-insert.js';
import { QueueName } from '../queue/queue-name.js';
import { Queues } from '../queue/queues.js';
import { ArchiveExport, type ExportSelection } from './archive-export.entity.js';
import { packagePath } from './archive-builder.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import {
  ArchiveExportDto,
  MAX_EXPORT_CASES,
  type CreateArchiveExportDto,
} from './dto/archive-export.dto.js';

/** The job that builds one export's package; its id makes a second add of it a no-op. */
export function exportJobId(id: number): string {
  return `archive-export-${id}`;
}

/**
 * Finished jobs are removed at once: the export row keeps the outcome, and a later build of the
 * same export (after an interruption) must not be swallowed by its old job id.
 */
export const EXPORT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: true,
  removeOnFail: true,
} as const;

/** Asking for exports, following them and downloading their packages. */
@Injectable()
export class ArchiveExportsService {
  private readonly logger = new Logger(ArchiveExportsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly queues: Queues,
  ) {}

  /**
   * Resolves the selection to closed cases now and records the export; the package is built by a
   * job. The cases are kept with the export, so every attempt builds the same package.
   */
  async request(input: CreateArchiveExportDto, actor: Actor): Promise<ArchiveExportDto> {
    const selection = normaliseSelection(input);
    const created = await this.dataSource.transaction(async (manager) => {
      const cases = await this.resolve(manager.query.bind(manager), selection);
      const caseIds = cases.map((row) => Number(row.id));
      // Asked twice (a double click, a retried request) while the first is still being built:
      // the same export answers, so one selection is never built twice at once.
      const pending = await this.pendingWithSameCases(manager, selection, caseIds);
      if (pending) return pending;
      const [totals] = await manager.query<
        { documents: string | number; marked: string | number }[]
      >(
        `SELECT COUNT(*) AS documents, COALESCE(MAX(d.confidentiality IS NOT NULL), 0) AS marked
           FROM document d WHERE d.case_id IN (?)`,
        [caseIds],
      );
      const confidential =
        cases.some((row) => Number(row.confidential) === 1) || Number(totals.marked) === 1;
      const row = manager.create(ArchiveExport, {
        packageId: randomUUID(),
        status: 'queued',
        selection,
        confidential,
        caseCount: caseIds.length,
        documentCount: Number(totals.documents),
        size: null,
        sha256: null,
        error: null,
        attempt: 0,
        requestedBy: actor.userId,
        createdAt: this.clock.now(),
        startedAt: null,
        finishedAt: null,
      });
      await manager.insert(ArchiveExport, row);
      await insertRows(
        manager,
        'archive_export_case',
        ['export_id', 'case_id'],
        caseIds.map((caseId) => [row.id, caseId]),
      );
      await this.audit.record(manager, actor, {
        action: 'archive_export.requested',
        entity: 'archive_export',
        entityId: row.id,
        after: {
          packageId: row.packageId,
          selection,
          caseNumbers: cases.map((c) => String(c.case_number)),
          confidential,
        },
      });
      return manager.findOneByOrFail(ArchiveExport, { id: row.id });
    });
    await this.enqueue(created.id);
    return ArchiveExportDto.from(created);
  }

  /** A queued or building export of the same selection that resolved to the same cases. */
  private async pendingWithSameCases(
    manager: EntityManager,
    selection: ExportSelection,
    caseIds: readonly number[],
  ): Promise<ArchiveExport | null> {
    const candidates = await manager.query<{ id: number }[]>(
      `SELECT id FROM archive_export
        WHERE status IN ('queued', 'building') AND selection = ?
        ORDER BY id DESC`,
      [JSON.stringify(selection)],
    );
    const wanted = [...caseIds].sort((a, b) => a - b).join(',');
    for (const candidate of candidates) {
      const cases = await manager.query<{ case_id: number }[]>(
        'SELECT case_id FROM archive_export_case WHERE export_id = ? ORDER BY case_id',
        [candidate.id],
      );
      if (cases.map((row) => Number(row.case_id)).join(',') === wanted) {
        return manager.findOneByOrFail(ArchiveExport, { id: candidate.id });
      }
    }
    return null;
  }

  /** Adds the build job; while Redis is down the worker's sweep adds it later. */
  async enqueue(id: number): Promise<void> {
    try {
      await this.queues
        .get(QueueName.Archive)
        .add('build', { exportId: id }, { ...EXPORT_JOB_OPTIONS, jobId: exportJobId(id) });
    } catch (error) {
      this.queues.logOutage(error as Error);
    }
  }

  async get(id: number): Promise<ArchiveExportDto> {
    return ArchiveExportDto.from(await this.find(id));
  }

  async list(query: { cursor?: string; limit?: number }): Promise<Page<ArchiveExportDto>> {
    const limit = query.limit ?? 50;
    const builder = this.dataSource.manager
      .createQueryBuilder(ArchiveExport, 'e')
      .orderBy('e.id', 'DESC')
      .take(limit + 1);
    if (query.cursor) {
      const [before] = decodeCursor(query.cursor, ['number']);
      builder.where('e.id < :before', { before });
    }
    const rows = await builder.getMany();
    const items = rows.slice(0, limit).map((row) => ArchiveExportDto.from(row));
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null,
    };
  }

  /** The ready package; a package with a confidential case is for admins only. */
  async download(id: number, actor: Actor): Promise<DocumentContent> {
    const row = await this.find(id);
    if (row.confidential && !actor.roles.includes('admin')) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'confidential_export',
        'The package holds a confidential case: only an admin may download it',
      );
    }
    if (row.status !== 'ready') {
      throw DomainError.conflict(
        'export_not_ready',
        row.status === 'failed'
          ? `The export failed and has no package: ${row.error ?? ''}`.trim()
          : `The package is not ready yet (status ${row.status})`,
      );
    }
    const path = packagePath(this.config.storageDir, row.packageId);
    const { size } = await stat(path);
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, actor, {
        action: 'archive_export.downloaded',
        entity: 'archive_export',
        entityId: row.id,
      }),
    );
    this.logger.log(`Archive export ${row.id} downloaded`);
    return {
      stream: createReadStream(path),
      size,
      fileName: `${row.packageId}.zip`,
      mimeType: 'application/zip',
    };
  }

  private async find(id: number): Promise<ArchiveExport> {
    const row = await this.dataSource.manager.findOneBy(ArchiveExport, { id });
    if (!row) throw DomainError.notFound('Archive export', id);
    return row;
  }

  /** The closed cases the selection names, in register order; refuses open or unknown ones. */
  private async resolve(
    query: (sql: string, params: unknown[]) => Promise<unknown>,
    selection: ExportSelection,
  ): Promise<Record<string, unknown>[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (selection.caseIds) {
      const found = (await query(
        'SELECT id, case_number, status FROM case_record WHERE id IN (?)',
        [selection.caseIds],
      )) as { id: number; case_number: string; status: string }[];
      const known = new Set(found.map((row) => Number(row.id)));
      const missing = selection.caseIds.filter((id) => !known.has(id));
      if (missing.length > 0) {
        throw DomainError.validation([
          {
            field: 'caseIds',
            messages: [`caseIds names cases that do not exist: ${missing.join(', ')}`],
          },
        ]);
      }
      const open = found.filter((row) => row.status !== 'closed');
      if (open.length > 0) {
        throw DomainError.conflict(
          'case_not_closed',
          `Only closed cases are delivered to the archive; still open: ${open
            .map((row) => row.case_number)
            .join(', ')}`,
          { caseIds: open.map((row) => Number(row.id)) },
        );
      }
      where.push('c.id IN (?)');
      params.push(selection.caseIds);
    }
    where.push("c.status = 'closed'");
    if (selection.series) {
      where.push('c.series_code = ?');
      params.push(selection.series);
    }
    if (selection.closedFrom) {
      where.push('c.closed_at >= ?');
      params.push(`${selection.closedFrom} 00:00:00`);
    }
    if (selection.closedTo) {
      where.push('c.closed_at < DATE_ADD(?, INTERVAL 1 DAY)');
      params.push(selection.closedTo);
    }
    const cases = (await query(
      `SELECT c.id, c.case_number, c.confidential FROM case_record c WHERE ${where.join(' AND ')}
        ORDER BY c.series_code, c.year, c.sequence
        LIMIT ${MAX_EXPORT_CASES + 1}`,
      params,
    )) as Record<string, unknown>[];
    if (cases.length === 0) {
      throw DomainError.conflict('empty_selection', 'No closed case matches the selection');
    }
    if (cases.length > MAX_EXPORT_CASES) {
      throw DomainError.conflict(
        'selection_too_large',
        `The selection holds more than ${MAX_EXPORT_CASES} cases: split it by series or by closing date`,
      );
    }
    return cases;
  }
}

function normaliseSelection(input: CreateArchiveExportDto): ExportSelection {
  const selection: ExportSelection = {};
  if (input.caseIds) selection.caseIds = [...new Set(input.caseIds)].sort((a, b) => a - b);
  if (input.series) selection.series = input.series;
  if (input.closedFrom) selection.closedFrom = input.closedFrom;
  if (input.closedTo) selection.closedTo = input.closedTo;
  if (Object.keys(selection).length === 0) {
    throw DomainError.validation([
      {
        field: 'caseIds',
        messages: ['give caseIds, series, closedFrom or closedTo: an export needs a selection'],
      },
    ]);
  }
  if (selection.closedFrom && selection.closedTo && selection.closedFrom > selection.closedTo) {
    throw DomainError.validation([
      { field: 'closedTo', messages: ['closedTo must not be before closedFrom'] },
    ]);
  }
  return selection;
}
