import type { Settings } from '../config/settings';
import { createOpenAIClient, FineTuningClient, type OpenAIClientOptions } from './client';
import { DeploymentsClient, type DeploymentsClientOptions } from '../deployments/armDeployments';
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

export interface FineTunePortsOptions {
  openai?: OpenAIClientOptions;
  deployments?: DeploymentsClientOptions;
}

/**
 * Builds the ports without contacting anything: the SDK clients are created on first use, so a
 * Function App without TUNELOOP_OPENAI_ENDPOINT still starts and only the job loop reports it.
 */
export function createFineTunePorts(settings: Settings, options: FineTunePortsOptions = {}): FineTunePorts {
  return {
    client: new FineTuningClient(() => createOpenAIClient(settings, options.openai)),
    deployments: new DeploymentsClient(settings, options.deployments),
  };
}
