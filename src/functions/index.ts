// The `main` entry the Azure Functions worker loads: every function of the registry, registered once.
// Only what registration needs is loaded here (no zod, no SDK clients, no NLP models): each handler
// loads its domain code on first use, and the runtime (with the full settings, validated by
// loadSettings) is built on the first invocation of any function, once, and shared by all.
import { registrationSettings } from '../shared/config/registrationSettings';
import { registerWithAzure } from './register';
import { functionDefinitions } from './registry';
import { lazyRuntime } from './runtimeSource';

registerWithAzure(functionDefinitions(registrationSettings(), lazyRuntime()));
