import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { MaintenanceRegistry } from '@core/queue/maintenance.registry';

@Injectable()
@MaintenanceTask()
class NightlyReport implements PeriodicTask {
  readonly name = 'reports.nightly';
  readonly everyMs = 60_000;
  run(): Promise<string> {
    return Promise.resolve('done');
  }
}

@Injectable()
@MaintenanceTask()
class AnotherNightlyReport extends NightlyReport {}

@Injectable()
@MaintenanceTask()
class Nameless {}

async function boot(...providers: (new (...args: never[]) => unknown)[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [MaintenanceRegistry, ...providers],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('MaintenanceRegistry', () => {
  it('finds every @MaintenanceTask() provider by name', async () => {
    const moduleRef = await boot(NightlyReport);
    const registry = moduleRef.get(MaintenanceRegistry);
    expect(registry.all().map((task) => task.name)).toEqual(['reports.nightly']);
    expect(await registry.task('reports.nightly')?.run()).toBe('done');
    expect(registry.task('unknown')).toBeUndefined();
    await moduleRef.close();
  });

  it('stops the boot when two tasks share a name', async () => {
    await expect(boot(NightlyReport, AnotherNightlyReport)).rejects.toThrow(
      /Two maintenance tasks are named 'reports.nightly'/,
    );
  });

  it('stops the boot when a marked provider is not a task', async () => {
    await expect(boot(Nameless)).rejects.toThrow(
      /Nameless is marked @MaintenanceTask\(\) but lacks/,
    );
  });
});
