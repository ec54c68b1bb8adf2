import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/env.schema.js';
import { DOCUMENT_STORAGE } from './document-storage.js';
import { LocalDiskStorage } from './local-disk.storage.js';

/** The document file store; the default keeps files on local disk under STORAGE_DIR. */
@Module({
  providers: [
    {
      provide: DOCUMENT_STORAGE,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const storage = new LocalDiskStorage(config.storageDir);
        await storage.init();
        return storage;
      },
    },
  ],
  exports: [DOCUMENT_STORAGE],
})
export class StorageModule {}
