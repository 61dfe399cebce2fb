// The `main` entry the Azure Functions worker loads: every function of the registry, registered once.
// Only what registration needs is loaded here (no zod, no SDK clients, no NLP models): each handler
// loads its domain code on first use, and the full settings are validated then (loadSettings).
import { registrationSettings } from '../shared/config/registrationSettings';
import { registerWithAzure } from './register';
import { functionDefinitions } from './registry';

registerWithAzure(functionDefinitions(registrationSettings()));
