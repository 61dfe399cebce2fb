import { ALL_CONTAINERS, ALL_QUEUES, ALL_TABLES, QUEUES } from '../../src/shared/storage/names';
import { bicepArrayDefault, loadInfra, moduleDeclaring, moduleParameter, readInfraFile, resolveValue } from './bicep';

/** Containers, queues and tables in Bicep are exactly the ones src/shared/storage/names.ts uses. */
describe('storage names in infra/ match src/shared/storage/names.ts', () => {
  const infra = loadInfra();

  function names(param: 'containerNames' | 'queueNames' | 'tableNames'): string[] {
    if (infra.kind === 'arm') {
      const value = moduleParameter(moduleDeclaring(infra.template, 'Microsoft.Storage/storageAccounts'), param);
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
        throw new Error(`storage module ${param} is not a literal string array`);
      return value as string[];
    }
    return bicepArrayDefault(readInfraFile('modules/storage.bicep'), param);
  }

  const sorted = (xs: string[]) => [...xs].sort();

  it('blob containers', () => {
    expect(sorted(names('containerNames'))).toEqual(sorted(ALL_CONTAINERS));
  });

  it('storage queues', () => {
    expect(sorted(names('queueNames'))).toEqual(sorted(ALL_QUEUES));
  });

  it('tables', () => {
    expect(sorted(names('tableNames'))).toEqual(sorted(ALL_TABLES));
  });

  it('the Service Bus job queue has the job queue name', () => {
    if (infra.kind === 'arm') {
      const passed = moduleParameter(moduleDeclaring(infra.template, 'Microsoft.ServiceBus/namespaces'), 'queueName');
      expect(resolveValue(infra.template, passed)).toBe(QUEUES.jobs);
    } else {
      expect(readInfraFile('main.bicep')).toMatch(new RegExp(`^var serviceBusQueueName = '${QUEUES.jobs}'$`, 'm'));
    }
  });
});
