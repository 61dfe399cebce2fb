// The `main` entry the Azure Functions worker loads: every function of the registry, registered once.
import { loadSettings } from '../shared/config/settings';
import { registerWithAzure } from './register';
import { functionDefinitions } from './registry';

registerWithAzure(functionDefinitions(loadSettings()));
