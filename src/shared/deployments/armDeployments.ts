import { createHash } from 'node:crypto';
import { CognitiveServicesManagementClient, type Deployment } from '@azure/arm-cognitiveservices';
import { bearerTokenAuthenticationPolicyName, type PipelinePolicy } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, type AccessToken, type TokenCredential } from '@azure/identity';
import { isLoopbackUrl } from '../config/settings';
import { backoffDelaySeconds, sleep, type BackoffPolicy } from '../finetune/backoff';
import { LOCAL_EMULATOR_TOKEN } from '../finetune/client';
import { FineTuneConfigurationError, toFineTuneError } from '../finetune/errors';
import { isStatus, TuneloopError } from '../errors';

/** What tuneloop keeps of an ARM deployment. */
export interface DeploymentInfo {
  name: string;
  model: string;
  provisioningState: string;
  sku?: string;
  capacity?: number;
}

export interface DeployModelOptions {
  deploymentName: string;
  /** The job's fine_tuned_model (or a checkpoint id). */
  model: string;
  sku?: string;
  capacity?: number;
  signal?: AbortSignal;
  /** Give up waiting for provisioning after this long (DeploymentTimeoutError; the caller retries later). */
  maxWaitMs?: number;
  backoff?: BackoffPolicy;
}

/** Provisioning ended in Failed, Canceled or Disabled. */
export class DeploymentFailedError extends TuneloopError {
  constructor(
    readonly deploymentName: string,
    readonly provisioningState: string,
  ) {
    super(
      `deployment ${deploymentName} ended in provisioning state ${provisioningState}; check the account's deployment quota (at most 5 fine-tuned deployments per resource) and the activity log, then retry`,
    );
  }
}

/** Provisioning still under way after the wait this invocation allows. */
export class DeploymentTimeoutError extends TuneloopError {
  constructor(
    readonly deploymentName: string,
    readonly provisioningState: string,
  ) {
    super(`deployment ${deploymentName} is still ${provisioningState}; the deploy step will check again later`, { retryable: true });
  }
}

/** The deterministic name already holds another model: never overwrite it silently. */
export class DeploymentConflictError extends TuneloopError {
  constructor(
    readonly deploymentName: string,
    readonly existingModel: string,
    readonly requestedModel: string,
  ) {
    super(
      `deployment ${deploymentName} already serves ${existingModel}, not ${requestedModel}; delete it (tuneloop never reuses a deployment name for another model) and retry`,
    );
  }
}

const FINAL_FAILURE = new Set(['failed', 'canceled', 'cancelled', 'disabled']);

/**
 * Deterministic deployment name for a job, so a retried deploy step PUTs the same deployment
 * instead of creating a second one. Azure allows 2–64 of [A-Za-z0-9._-].
 */
export function deploymentNameFor(jobKey: string): string {
  const slug = jobKey.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  const name = `tuneloop-${slug}`;
  if (name.length <= 64 && slug.length > 0) return name;
  const hash = createHash('sha256').update(jobKey).digest('hex').slice(0, 12);
  return `tuneloop-${slug.slice(0, 64 - 'tuneloop-'.length - hash.length - 1)}-${hash}`.replace(/--+/g, '-');
}

/**
 * ARM's bearer-token policy refuses plain http. Against the local emulator (TUNELOOP_OPENAI_AUTH=local)
 * the client gets this policy instead, under the same name so the SDK keeps it.
 */
function localEmulatorAuthPolicy(): PipelinePolicy {
  return {
    name: bearerTokenAuthenticationPolicyName,
    async sendRequest(request, next) {
      request.headers.set('Authorization', `Bearer ${LOCAL_EMULATOR_TOKEN}`);
      return next(request);
    },
  };
}

/** A TokenCredential for the ARM client in local mode; never asked for a token (the policy above replaces it). */
const localCredential: TokenCredential = {
  async getToken(): Promise<AccessToken> {
    return { token: LOCAL_EMULATOR_TOKEN, expiresOnTimestamp: Date.now() + 3600_000 };
  },
};

/** The Azure OpenAI account deployments go to, and how (built from settings by src/shared/composition/config.ts). */
export interface ArmDeploymentTarget {
  /** TUNELOOP_ARM_ENDPOINT (https://management.azure.com, or the emulator's URL). */
  readonly armEndpoint: string;
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  readonly account?: string;
  /** local = tuneloop's emulator: a fixed token over http, never Azure credentials. */
  readonly auth: 'default' | 'apikey' | 'local';
  /** Deployment SKU and capacity unless a call names its own. */
  readonly sku: string;
  readonly capacity: number;
  readonly managedIdentityClientId?: string;
}

export interface DeploymentsClientOptions {
  credential?: TokenCredential;
  /** Default provisioning wait. */
  maxWaitMs?: number;
}

/** Deployments of fine-tuned models through ARM (`Microsoft.CognitiveServices/accounts/deployments`). */
export class DeploymentsClient {
  private armClient?: CognitiveServicesManagementClient;

  constructor(
    private readonly target: ArmDeploymentTarget,
    private readonly options: DeploymentsClientOptions = {},
  ) {}

  private account(): { client: CognitiveServicesManagementClient; resourceGroup: string; account: string } {
    const t = this.target;
    const missing = (
      [
        ['TUNELOOP_OPENAI_SUBSCRIPTION_ID', t.subscriptionId],
        ['TUNELOOP_OPENAI_RESOURCE_GROUP', t.resourceGroup],
        ['TUNELOOP_OPENAI_ACCOUNT', t.account],
      ] as const
    )
      .filter(([, v]) => !v)
      .map(([n]) => n);
    const { subscriptionId, resourceGroup, account } = t;
    if (missing.length > 0 || !subscriptionId || !resourceGroup || !account) {
      throw new FineTuneConfigurationError(
        `deploying a fine-tuned model needs ${missing.join(', ')}: the subscription, resource group and name of the Azure OpenAI account`,
      );
    }
    if (!this.armClient) this.armClient = this.createArmClient(subscriptionId);
    return { client: this.armClient, resourceGroup, account };
  }

  private createArmClient(subscriptionId: string): CognitiveServicesManagementClient {
    const endpoint = this.target.armEndpoint.replace(/\/+$/, '');
    const local = this.target.auth === 'local';
    if (local && !isLoopbackUrl(endpoint)) {
      throw new FineTuneConfigurationError(
        `TUNELOOP_OPENAI_AUTH=local is only for the emulator on this machine, but TUNELOOP_ARM_ENDPOINT is ${endpoint}; set it to the emulator URL, or use TUNELOOP_OPENAI_AUTH=default for Azure`,
      );
    }
    if (!local && !endpoint.startsWith('https://')) {
      throw new FineTuneConfigurationError(
        `TUNELOOP_ARM_ENDPOINT ${endpoint} is not https: Azure credentials are only sent over TLS. Use https, or TUNELOOP_OPENAI_AUTH=local for the emulator`,
      );
    }
    const credential = local
      ? localCredential
      : (this.options.credential ?? new DefaultAzureCredential({ managedIdentityClientId: this.target.managedIdentityClientId }));
    const client = new CognitiveServicesManagementClient(credential, subscriptionId, {
      endpoint,
      $host: endpoint,
      allowInsecureConnection: local,
    });
    if (local) {
      client.pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
      client.pipeline.addPolicy(localEmulatorAuthPolicy(), { phase: 'Sign' });
    }
    return client;
  }

  async getDeployment(deploymentName: string, options: { signal?: AbortSignal } = {}): Promise<DeploymentInfo | undefined> {
    const { client, resourceGroup, account } = this.account();
    try {
      return toInfo(await client.deployments.get(resourceGroup, account, deploymentName, { abortSignal: options.signal }));
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw toFineTuneError(err, `get deployment ${deploymentName}`);
    }
  }

  /**
   * Deploys `model` under `deploymentName` (format OpenAI, version "1", SKU and capacity from
   * settings) and waits until provisioning succeeds. Idempotent: an existing deployment of the
   * same model is reused, one still provisioning is waited for.
   */
  async deployModel(options: DeployModelOptions): Promise<DeploymentInfo> {
    const { client, resourceGroup, account } = this.account();
    const name = options.deploymentName;
    const existing = await this.getDeployment(name, { signal: options.signal });
    if (existing && existing.model !== options.model) throw new DeploymentConflictError(name, existing.model, options.model);
    if (!existing || FINAL_FAILURE.has(existing.provisioningState.toLowerCase())) {
      const deployment: Deployment = {
        sku: { name: options.sku ?? this.target.sku, capacity: options.capacity ?? this.target.capacity },
        properties: { model: { format: 'OpenAI', name: options.model, version: '1' } },
      };
      try {
        // Only the initial PUT: provisioning is polled below with our own backoff and signal.
        await client.deployments.beginCreateOrUpdate(resourceGroup, account, name, deployment, { abortSignal: options.signal });
      } catch (err) {
        throw toFineTuneError(err, `create deployment ${name} of ${options.model}`);
      }
    }
    return this.waitForDeployment(name, options);
  }

  private async waitForDeployment(name: string, options: DeployModelOptions): Promise<DeploymentInfo> {
    const backoff = options.backoff ?? { startSeconds: 1, factor: 1.5, capSeconds: 15 };
    const maxWaitMs = options.maxWaitMs ?? this.options.maxWaitMs ?? 10 * 60_000;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const info = await this.getDeployment(name, { signal: options.signal });
      if (!info) throw new DeploymentFailedError(name, 'NotFound');
      const state = info.provisioningState.toLowerCase();
      if (state === 'succeeded') return info;
      if (FINAL_FAILURE.has(state)) throw new DeploymentFailedError(name, info.provisioningState);
      const waited = Date.now() - started;
      if (waited >= maxWaitMs) throw new DeploymentTimeoutError(name, info.provisioningState);
      await sleep(Math.min(backoffDelaySeconds(backoff, attempt) * 1000, maxWaitMs - waited), options.signal);
    }
  }

  /** Deletes a deployment (and waits for ARM to accept it); false when it did not exist. */
  async deleteDeployment(deploymentName: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const { client, resourceGroup, account } = this.account();
    if (!(await this.getDeployment(deploymentName, options))) return false;
    try {
      const poller = await client.deployments.beginDelete(resourceGroup, account, deploymentName, {
        abortSignal: options.signal,
        updateIntervalInMs: 500,
      });
      await poller.pollUntilDone({ abortSignal: options.signal });
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return true;
      throw toFineTuneError(err, `delete deployment ${deploymentName}`);
    }
  }
}

function toInfo(d: Deployment): DeploymentInfo {
  return {
    name: d.name ?? '',
    model: d.properties?.model?.name ?? '',
    provisioningState: d.properties?.provisioningState ?? 'Unknown',
    sku: d.sku?.name,
    capacity: d.sku?.capacity,
  };
}
