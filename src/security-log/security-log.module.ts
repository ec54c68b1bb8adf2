import { Global, Module } from '@nestjs/common';
import { SecurityLogController } from './security-log.controller.js';
import { SecurityLogService } from './security-log.service.js';

/** The security log: refused logins and requests, for admins. Global: guards and the filter write. */
@Global()
@Module({
  controllers: [SecurityLogController],
  providers: [SecurityLogService],
  exports: [SecurityLogService],
})
export class SecurityLogModule {}
