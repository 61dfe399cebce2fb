import { TuneloopError } from '../../shared/errors';
/**
 * An HTTP error the emulator answers with. `body` is the exact JSON the real service sends for
 * this case: the Azure OpenAI data-plane shape `{"error":{"code","message","param"?,"type"?}}` or
 * the ARM shape `{"error":{"code","message"}}`.
 */
export class EmulatorHttpError extends TuneloopError {
  constructor(
    readonly status: number,
    override readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get body(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

export const badRequest = (message: string, param?: string) =>
  new EmulatorHttpError(400, 'invalidPayload', message, {}, param ? { param, target: param } : {});

export const notFound = (message: string) => new EmulatorHttpError(404, 'notFound', message);
