import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { finalize, Observable } from 'rxjs';

/**
 * Removes the uploaded temporary files once the request is done. A registered file has already
 * been moved into the store; anything still there was refused (bad fields, wrong type, unknown
 * case), so a refusal leaves nothing behind.
 */
@Injectable()
export class DiscardUploadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    type Upload = { path?: string };
    const request = context.switchToHttp().getRequest<{
      file?: Upload;
      files?: Upload[] | Record<string, Upload[]>;
    }>();
    return next.handle().pipe(
      finalize(() => {
        const files = Array.isArray(request.files)
          ? request.files
          : Object.values(request.files ?? {}).flat();
        for (const upload of [request.file, ...files]) {
          if (upload?.path) void rm(upload.path, { force: true });
        }
      }),
    );
  }
}
