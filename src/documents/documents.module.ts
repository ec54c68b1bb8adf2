import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import multer from 'multer';
import { CasesModule } from '../cases/cases.module.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { CaseDocumentsController, DocumentsController } from './documents.controller.js';
import { DocumentsService } from './documents.service.js';
import { DOCUMENT_STORAGE, type DocumentStorage } from './storage/document-storage.js';
import { StorageModule } from './storage/storage.module.js';

@Module({
  imports: [
    CasesModule,
    StorageModule,
    MulterModule.registerAsync({
      imports: [StorageModule],
      inject: [APP_CONFIG, DOCUMENT_STORAGE],
      useFactory: (config: AppConfig, storage: DocumentStorage) => ({
        // Straight to disk beside the store, so storing is a rename and memory stays flat.
        storage: multer.diskStorage({
          destination: storage.incomingDir,
          filename: (_request, _file, callback) => callback(null, `${randomUUID()}.upload`),
        }),
        limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
        // File names are UTF-8 (åäö), not multer's default Latin-1.
        defParamCharset: 'utf8',
      }),
    }),
  ],
  controllers: [CaseDocumentsController, DocumentsController],
  providers: [DocumentsService],
  exports: [DocumentsService],
})
export class DocumentsModule {}
