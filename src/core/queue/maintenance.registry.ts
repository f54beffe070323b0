import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { MaintenanceTask, PeriodicTask } from './maintenance-task';

/** Every @MaintenanceTask() in the app, by name; a malformed or duplicated one stops the boot. */
@Injectable()
export class MaintenanceRegistry implements OnModuleInit {
  private readonly tasks = new Map<string, PeriodicTask>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: MaintenanceTask.KEY })) {
      const task = wrapper.instance as Partial<PeriodicTask> | undefined;
      const owner = String(wrapper.name);
      if (
        typeof task?.name !== 'string' ||
        typeof task.everyMs !== 'number' ||
        typeof task.run !== 'function'
      ) {
        throw new Error(`${owner} is marked @MaintenanceTask() but lacks name, everyMs or run()`);
      }
      const taken = this.tasks.get(task.name);
      if (taken && taken !== task)
        throw new Error(`Two maintenance tasks are named '${task.name}' (${owner} and another)`);
      this.tasks.set(task.name, task as PeriodicTask);
    }
  }

  task(name: string): PeriodicTask | undefined {
    return this.tasks.get(name);
  }

  all(): PeriodicTask[] {
    return [...this.tasks.values()];
  }
}
