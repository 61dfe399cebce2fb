import { app } from '@azure/functions';
import type { FunctionDefinition } from './definition';
import { registerBlobReferenceFactory } from './blobReference';

/** Registers every definition with the Azure Functions worker. */
export function registerWithAzure(definitions: FunctionDefinition[]): void {
  if (definitions.some((d) => d.trigger.type === 'blob')) registerBlobReferenceFactory();
  for (const def of definitions) {
    const t = def.trigger;
    switch (t.type) {
      case 'blob':
        // Deferred binding: the host passes a reference, not the blob's bytes, so memory stays flat.
        app.storageBlob(def.name, { path: t.path, connection: t.connection, source: t.source, sdkBinding: true, handler: def.handler });
        break;
      case 'storageQueue':
        app.storageQueue(def.name, { queueName: t.queueName, connection: t.connection, handler: def.handler });
        break;
      case 'serviceBusQueue':
        app.serviceBusQueue(def.name, { queueName: t.queueName, connection: t.connection, handler: def.handler });
        break;
      case 'timer':
        app.timer(def.name, { schedule: t.schedule, runOnStartup: t.runOnStartup ?? false, handler: def.handler });
        break;
    }
  }
}
