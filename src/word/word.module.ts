import { Module } from '@nestjs/common';
import { WordService } from './word.service.js';

/** Word documents, built by a pool of worker threads. */
@Module({
  providers: [WordService],
  exports: [WordService],
})
export class WordModule {}
