import { Injectable } from '@nestjs/common';

/** Wall-clock time of the reminder schedule, behind a class so tests can move it. */
@Injectable()
export class ReminderClock {
  now(): Date {
    return new Date();
  }
}
