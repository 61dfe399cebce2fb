import { required } from '../../../shared/lookup';
import { EmulatorHttpError } from '../errors';
import type { ArmDeployment, EmulatorStore, StoredDeployment } from '../state';
import type { JobsResource } from './jobs';
import { BASE_DURATIONS_MS, BASE_MODELS, isObject, type EmulatorContext, type ServiceOptions } from './shared';

/** ARM deployments (`Microsoft.CognitiveServices/accounts/deployments`): create or update, provisioning in emulated time, get, delete, list. */
export class DeploymentsResource {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly jobs: JobsResource,
  ) {}

  private get store(): EmulatorStore {
    return this.ctx.store;
  }

  private get options(): ServiceOptions {
    return this.ctx.options;
  }

  private later(ms: number, fn: () => void): void {
    this.ctx.clock.later(ms, fn);
  }

  /** Creates or updates a deployment; `created` tells 201 from 200. */
  putDeployment(resourceId: string, name: string, body: unknown): { created: boolean; resource: ArmDeployment } {
    const armError = (status: number, code: string, message: string) => new EmulatorHttpError(status, code, message);
    if (!isObject(body)) throw armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    const sku = body.sku;
    const properties = body.properties;
    if (!isObject(sku) || typeof sku.name !== 'string')
      throw armError(400, 'InvalidResourceProperties', "The deployment needs 'sku.name' (e.g. Standard, GlobalStandard, DeveloperTier).");
    if (sku.capacity !== undefined && (!Number.isInteger(sku.capacity) || (sku.capacity as number) < 1)) {
      throw armError(400, 'InvalidResourceProperties', "'sku.capacity' must be a positive integer.");
    }
    const model = isObject(properties) ? properties.model : undefined;
    if (!isObject(model) || typeof model.name !== 'string' || !model.name) {
      throw armError(400, 'InvalidResourceProperties', "The deployment needs 'properties.model' with 'format', 'name' and 'version'.");
    }
    if (typeof model.format !== 'string' || model.format.toLowerCase() !== 'openai') {
      throw armError(400, 'InvalidResourceProperties', `Model format '${String(model.format)}' is not supported; use 'OpenAI'.`);
    }
    const version = typeof model.version === 'string' ? model.version : undefined;
    const fineTuned = this.jobs.findFineTuned(model.name);
    const baseName = (BASE_MODELS as readonly string[]).includes(model.name)
      ? model.name
      : version && (BASE_MODELS as readonly string[]).includes(`${model.name}-${version}`)
        ? `${model.name}-${version}`
        : undefined;
    if (!fineTuned && !baseName) {
      throw armError(
        400,
        'DeploymentModelNotSupported',
        `The model '${model.name}' (version '${version ?? ''}') is not available for deployment: it is neither a succeeded fine-tuned model of this resource nor a supported base model.`,
      );
    }
    const key = name.toLowerCase();
    const existing = this.store.deployments.get(key);
    const fineTunedCount = [...this.store.deployments.entries()].filter(([k, d]) => k !== key && d.fineTuned).length;
    if (fineTuned && fineTunedCount >= this.options.maxFineTunedDeployments) {
      throw armError(
        400,
        'InsufficientQuota',
        `This operation requires 1 new fine-tuned model deployment, which is more than the available 0: the resource already has ${fineTunedCount} fine-tuned model deployments and the quota limit is ${this.options.maxFineTunedDeployments}. Delete a deployment first.`,
      );
    }
    // Capacity draws on the region's Tokens Per Minute quota; ARM refuses what does not fit, in
    // the words it uses (see docs/emulator.md).
    const capacity = typeof sku.capacity === 'number' ? sku.capacity : 1;
    const used = [...this.store.deployments.entries()]
      .filter(([k]) => k !== key)
      .reduce((n, [, d]) => n + (d.resource.sku.capacity ?? 1), 0);
    const limit = this.options.tokensPerMinuteQuota;
    if (used + capacity > limit) {
      const quota = `Tokens Per Minute (thousands) - ${fineTuned ? `${fineTuned.job.model} FineTune` : required(baseName, 'base model name')}`;
      throw armError(
        400,
        'InsufficientQuota',
        `This operation require ${capacity} new capacity in quota ${quota}, which is bigger than the current available capacity ${Math.max(0, limit - used)}. The current quota usage is ${used} and the quota limit is ${limit} for quota ${quota}.`,
      );
    }
    const underlying = fineTuned ? model.name : required(baseName, 'base model name');
    const sameModel = existing && existing.model === underlying;
    const resource: ArmDeployment = {
      id: `${resourceId}/deployments/${name}`,
      name,
      type: 'Microsoft.CognitiveServices/accounts/deployments',
      sku: { name: sku.name, ...(sku.capacity !== undefined ? { capacity: sku.capacity as number } : {}) },
      properties: {
        ...(isObject(properties) ? properties : {}),
        model: { format: 'OpenAI', name: model.name, ...(version ? { version } : {}) },
        provisioningState: sameModel && existing.resource.properties.provisioningState === 'Succeeded' ? 'Succeeded' : 'Accepted',
      },
    };
    const stored: StoredDeployment = { resource, model: underlying, fineTuned: Boolean(fineTuned) };
    this.store.deployments.set(key, stored);
    this.store.changed();
    if (resource.properties.provisioningState !== 'Succeeded') this.provision(key, stored);
    return { created: !existing, resource: JSON.parse(JSON.stringify(resource)) as ArmDeployment };
  }

  /** Accepted → Creating → Succeeded over the emulated deployment time, unless replaced or deleted meanwhile. */
  private provision(key: string, stored: StoredDeployment): void {
    const state = stored.resource.properties;
    this.later(BASE_DURATIONS_MS.deployment / 2, () => {
      if (this.store.deployments.get(key) !== stored) return;
      state.provisioningState = 'Creating';
      this.later(BASE_DURATIONS_MS.deployment / 2, () => {
        if (this.store.deployments.get(key) !== stored) return;
        state.provisioningState = 'Succeeded';
        this.store.changed();
      });
    });
  }

  getDeployment(name: string): ArmDeployment {
    const d = this.store.deployments.get(name.toLowerCase());
    if (!d) throw new EmulatorHttpError(404, 'DeploymentNotFound', `The deployment '${name}' does not exist.`);
    return JSON.parse(JSON.stringify(d.resource)) as ArmDeployment;
  }

  deleteDeployment(name: string): boolean {
    const existed = this.store.deployments.delete(name.toLowerCase());
    if (existed) this.store.changed();
    return existed;
  }

  listDeployments(): ArmDeployment[] {
    return [...this.store.deployments.values()].map((d) => JSON.parse(JSON.stringify(d.resource)) as ArmDeployment);
  }

  /** After a restart with dataDir: deployments still provisioning finish provisioning. */
  resumeAfterRestart(): void {
    for (const [key, d] of this.store.deployments) {
      if (d.resource.properties.provisioningState !== 'Succeeded') this.provision(key, d);
    }
  }
}
