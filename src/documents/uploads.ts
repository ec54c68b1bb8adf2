import { MulterModule } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import multer from 'multer';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { DOCUMENT_STORAGE, type DocumentStorage } from './storage/document-storage.js';
import { StorageModule } from './storage/storage.module.js';

/**
 * Multipart uploads for a module's routes: files go straight to disk beside the store (so storing
 * is a rename and memory stays flat), each at most UPLOAD_MAX_MB.
 */
export function uploadsModule(limits: { files: number; fields: number; fieldSize: number }) {
  return MulterModule.registerAsync({
    imports: [StorageModule],
    inject: [APP_CONFIG, DOCUMENT_STORAGE],
    useFactory: (config: AppConfig, storage: DocumentStorage) => ({
      storage: multer.diskStorage({
        destination: storage.incomingDir,
        filename: (_request, _file, callback) => callback(null, `${randomUUID()}.upload`),
      }),
      limits: { fileSize: config.uploadMaxBytes, ...limits },
      // File names are UTF-8 (åäö), not multer's default Latin-1.
      defParamCharset: 'utf8',
    }),
  });
}
