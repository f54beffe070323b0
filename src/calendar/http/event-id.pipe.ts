import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@core/errors/domain-error';

/** Google event ids: base32hex, and `<id>_<start>` for instances of a recurring event. */
const EVENT_ID = /^[A-Za-z0-9_]{5,1024}$/;

@Injectable()
export class EventIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (EVENT_ID.test(value)) return value;
    throw new ValidationFailedError([
      { field: 'eventId', message: 'eventId is not a Google event id' },
    ]);
  }
}
