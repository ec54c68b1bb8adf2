import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { CaseHistoryService } from './case-history.service.js';
import {
  CaseDocumentsController,
  CaseHistoryController,
  DocumentsController,
} from './documents.controller.js';
import { DocumentsService } from './documents.service.js';
import { StorageModule } from './storage/storage.module.js';
import { uploadsModule } from './uploads.js';

@Module({
  imports: [
    CasesModule,
    StorageModule,
    uploadsModule({ files: 1, fields: 10, fieldSize: 64 * 1024 }),
  ],
  controllers: [CaseDocumentsController, CaseHistoryController, DocumentsController],
  providers: [DocumentsService, CaseHistoryService],
  exports: [DocumentsService, CaseHistoryService],
})
export class DocumentsModule {}
