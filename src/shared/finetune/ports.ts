import { createOpenAIClient, FineTuningClient, type OpenAIClientOptions, type OpenAIConnection } from './client';
import { DeploymentsClient, type ArmDeploymentTarget, type DeploymentsClientOptions } from '../deployments/armDeployments';
import type { ModelVersion } from '../deployments/registry';

/** A fine-tuned model that succeeded and is deployed, handed to evaluation for its verdict. */
export interface Candidate extends ModelVersion {
  /** results.csv of the job (file id), for perplexity, the loss curve and overfitting. */
  resultFileId?: string;
}

export interface CandidateEvaluation {
  decision: 'promote' | 'reject' | 'inconclusive';
  /** Passed the gate, but TUNELOOP_PROMOTION=manual: the job waits in `awaiting-approval`. */
  awaitingApproval?: boolean;
  reportBlob: string;
  metrics: unknown;
}

/** The fine-tuning service and ARM deployments, as the job loop and evaluation use them. */
export interface FineTunePorts {
  readonly client: FineTuningClient;
  readonly deployments: DeploymentsClient;
}

/** Where the fine-tuning service and the deployments live (built from settings by src/shared/composition/config.ts). */
export interface FineTuneConfig {
  readonly openai: OpenAIConnection;
  readonly arm: ArmDeploymentTarget;
}

export interface FineTunePortsOptions {
  openai?: OpenAIClientOptions;
  deployments?: DeploymentsClientOptions;
}

/**
 * Builds the ports without contacting anything: the SDK clients are created on first use, so a
 * Function App without TUNELOOP_OPENAI_ENDPOINT still starts and only the job loop reports it.
 */
export function createFineTunePorts(config: FineTuneConfig, options: FineTunePortsOptions = {}): FineTunePorts {
  return {
    client: new FineTuningClient(() => createOpenAIClient(config.openai, options.openai)),
    deployments: new DeploymentsClient(config.arm, options.deployments),
  };
}
