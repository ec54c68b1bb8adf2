import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { finalize, Observable } from 'rxjs';

/**
 * Removes the uploaded temporary file once the request is done. A registered file has already
 * been moved into the store; anything still there was refused (bad fields, wrong type, unknown
 * case), so a refusal leaves nothing behind.
 */
@Injectable()
export class DiscardUploadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ file?: { path?: string } }>();
    return next.handle().pipe(
      finalize(() => {
        if (request.file?.path) void rm(request.file.path, { force: true });
      }),
    );
  }
}
