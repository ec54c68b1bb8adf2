import { Module } from '@nestjs/common';
import { StorageModule } from '../documents/storage/storage.module.js';
import { ArchiveBuilder } from './archive-builder.js';
import { ArchiveExportProcessor } from './archive-export.processor.js';
import { ArchiveExportsService } from './archive-exports.service.js';
import { ArchiveReader } from './archive-reader.js';
import { ArchiveController } from './archive.controller.js';

/** Asking for archive exports and downloading them (api role). */
@Module({
  controllers: [ArchiveController],
  providers: [ArchiveExportsService],
  exports: [ArchiveExportsService],
})
export class ArchiveModule {}

/** Building archive export packages (worker role). */
@Module({
  imports: [StorageModule],
  providers: [ArchiveExportsService, ArchiveReader, ArchiveBuilder, ArchiveExportProcessor],
})
export class ArchiveProcessorModule {}
