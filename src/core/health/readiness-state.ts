import { Injectable, OnModuleDestroy } from '@nestjs/common';

/**
 * Flips to draining when shutdown starts, so the readiness probe fails and Kubernetes stops
 * routing new requests here while in-flight ones and active jobs finish.
 */
@Injectable()
export class ReadinessState implements OnModuleDestroy {
  private draining = false;

  get isDraining(): boolean {
    return this.draining;
  }

  onModuleDestroy(): void {
    this.draining = true;
  }
}
