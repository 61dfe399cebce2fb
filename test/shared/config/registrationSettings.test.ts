import { loadSettings } from '../../../src/shared/config/settings';
import { REGISTRATION_DEFAULTS, RegistrationSettingsError, registrationSettings } from '../../../src/shared/config/registrationSettings';

const keys = Object.keys(REGISTRATION_DEFAULTS) as (keyof typeof REGISTRATION_DEFAULTS)[];
const pick = (s: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, s[k]]));

describe('registration settings (read without zod by the Azure entry)', () => {
  it.each([
    { TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' },
    {
      TUNELOOP_STORAGE: 'UseDevelopmentStorage=true',
      TUNELOOP_BLOB_TRIGGER_SOURCE: 'LogsAndContainerScan',
      TUNELOOP_JOB_TRANSPORT: 'servicebus',
      TUNELOOP_SERVICEBUS__fullyQualifiedNamespace: 'x.servicebus.windows.net',
      TUNELOOP_DRIFT_SCHEDULE: '0 */5 * * * *',
      TUNELOOP_LIFECYCLE_SCHEDULE: '0 0 3 * * *',
    },
  ])('agree with loadSettings (%#)', (env) => {
    expect(registrationSettings(env)).toEqual(pick(loadSettings(env)));
  });

  it('rejects a value the triggers cannot use, naming the setting', () => {
    expect(() => registrationSettings({ TUNELOOP_JOB_TRANSPORT: 'kafka' })).toThrow(RegistrationSettingsError);
    expect(() => registrationSettings({ TUNELOOP_JOB_TRANSPORT: 'kafka' })).toThrow(
      /TUNELOOP_JOB_TRANSPORT: expected one of storage, servicebus, got "kafka"/,
    );
  });
});
