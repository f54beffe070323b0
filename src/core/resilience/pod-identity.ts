import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';

/**
 * This instance's name in shared state (circuit board, transitions stream). The host name
 * tells an operator which pod; the random tail keeps two processes on one host (or two apps
 * in one test process) apart.
 */
@Injectable()
export class PodIdentity {
  readonly id = `${hostname()}:${randomUUID().slice(0, 8)}`;
}
