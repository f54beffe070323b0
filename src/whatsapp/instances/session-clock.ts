import { Injectable } from '@nestjs/common';

/** Wall-clock time for the session retry backoff, behind a class so tests can move it. */
@Injectable()
export class SessionClock {
  now(): number {
    return Date.now();
  }
}
