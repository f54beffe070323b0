import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@core/errors/domain-error';

/** TikTok video and comment ids are long digit strings; anything else is a 400 naming the parameter. */
@Injectable()
export class TikTokIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (/^\d{1,32}$/.test(value)) return value;
    const field = metadata.data ?? 'id';
    throw new ValidationFailedError([{ field, message: `${field} must be a TikTok id (digits)` }]);
  }
}
