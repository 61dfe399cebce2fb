import { metricsStatusConfig } from '../../shared/composition/config';
import { collectMetricsStatus, renderMetricsStatus, type MetricsStatus } from '../../shared/telemetry/metricsStatus';
import type { StatusContext, StatusSection } from './pipelineSections';

/** The metrics and drift section of `tuneloop status` (added to the list in src/cli/commands/status.ts). */
export const metricsStatusSection: StatusSection = {
  name: 'metrics',
  async collect(context: StatusContext): Promise<{ text: string; json: MetricsStatus }> {
    const status = await collectMetricsStatus(context, metricsStatusConfig(context.settings));
    return { text: renderMetricsStatus(status, { now: context.now }), json: status };
  },
};
