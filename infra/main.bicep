// tuneloop in Azure: everything the functions need, keyless and least-privilege, deployable
// with `azd up`. Resources are plain declarations in local modules (not Azure Verified Modules
// from br/public): CI has no network but package registries, and `bicep build` must restore
// registry modules from mcr.microsoft.com, so AVM references could not compile or lint there.
targetScope = 'subscription'

import { roleIds } from 'modules/roleIds.bicep'

@minLength(1)
@maxLength(64)
@description('azd environment name; seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region for everything except Azure OpenAI (must offer Flex Consumption).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Region of a new Azure OpenAI account. Standard fine-tuning of gpt-4o-mini and the gpt-4.1 family runs in these regions only.')
@allowed([
  'northcentralus'
  'swedencentral'
])
param openAiLocation string = 'swedencentral'

@description('Name of an existing Azure OpenAI account to use instead of creating one (same subscription). Empty: create a new account.')
param existingOpenAiName string = ''

@description('Resource group of the existing Azure OpenAI account (required with existingOpenAiName).')
param existingOpenAiResourceGroup string = ''

@description('Base model to fine-tune (TUNELOOP_BASE_MODEL).')
param baseModel string = 'gpt-4o-mini-2024-07-18'

@description('NCRONTAB schedule (seconds first, UTC) of the nightly dataset assembly and retrain (TUNELOOP_RETRAIN_SCHEDULE).')
param retrainSchedule string = '0 0 2 * * *'

@description('Budget per fine-tuning job in USD: a dataset whose estimated training cost is higher is refused (TUNELOOP_MAX_TRAINING_COST_USD).')
param maxTrainingCostUsd string = '100'

@description('Days raw chat logs are kept before lifecycle management deletes them (0 = forever).')
@minValue(0)
param rawRetentionDays int = 90

@description('Days quarantined records (original, unredacted text) are kept (0 = forever).')
@minValue(0)
param quarantineRetentionDays int = 30

@description('Queue that carries fine-tuning job messages (TUNELOOP_JOB_TRANSPORT). The Service Bus namespace is deployed either way.')
@allowed([
  'servicebus'
  'storage'
])
param jobTransport string = 'servicebus'

@description('Service Bus tier: Basic (no base fee) is enough for one queue with scheduled messages and dead-lettering.')
@allowed([
  'Basic'
  'Standard'
])
param serviceBusSku string = 'Basic'

@description('Deploy an Event Grid topic (CloudEvents 1.0) that receives tuneloop\'s own events (job, model, drift).')
param deployEventsTopic bool = false

@description('Object id of the person running azd (azd sets AZURE_PRINCIPAL_ID). Gets data roles to upload logs and run the CLI against Azure; empty: none.')
param principalId string = ''

@description('Kind of principal in principalId: User when a person runs azd, ServicePrincipal in a pipeline.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Email address that receives tuneloop\'s alerts; empty: alerts fire without notifying anyone.')
param alertEmail string = ''

@description('Combined drift score at or above which driftWatch publishes a drift alert (TUNELOOP_DRIFT_THRESHOLD) and the drift alert rule fires.')
param driftThreshold string = '0.25'

@description('Rejected candidate evaluations within the evaluation window that raise the evaluation-regression alert.')
@minValue(1)
param evalRejectionsThreshold int = 1

@description('Failed fine-tuning jobs within the job window that raise the job-failure alert.')
@minValue(1)
param jobFailuresThreshold int = 1

@description('Budget refusals within the job window that raise the budget alert.')
@minValue(1)
param budgetRefusalsThreshold int = 1

@description('Share of records quarantined (0-1) within the preprocessing window that raises the quarantine-spike alert.')
param quarantineShareThreshold string = '0.2'

@description('Fewest preprocessed records in the window before the quarantine share is judged (avoids alerting on one bad line).')
@minValue(1)
param quarantineMinRecords int = 50

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var useExistingOpenAi = !empty(existingOpenAiName)
var functionAppName = 'func-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
// Names are computed here, not read from module outputs, so What-If can predict every resource id.
var storageAccountName = 'st${resourceToken}'
var serviceBusNamespaceName = 'sb-${resourceToken}'
var serviceBusQueueName = 'finetune-jobs'
var applicationInsightsName = 'appi-${resourceToken}'
var newOpenAiName = 'oai-${resourceToken}'
var eventsTopicName = deployEventsTopic ? 'evgt-${resourceToken}' : ''

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    rawRetentionDays: rawRetentionDays
    quarantineRetentionDays: quarantineRetentionDays
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module serviceBus 'modules/serviceBus.bicep' = {
  name: 'serviceBus'
  scope: rg
  params: {
    name: serviceBusNamespaceName
    location: location
    tags: tags
    sku: serviceBusSku
    queueName: serviceBusQueueName
  }
}

module eventGrid 'modules/eventGrid.bicep' = {
  name: 'eventGrid'
  scope: rg
  params: {
    systemTopicName: 'evgst-${resourceToken}'
    storageAccountName: storageAccountName
    location: location
    tags: tags
    eventsTopicName: eventsTopicName
  }
  dependsOn: [
    storage
  ]
}

module newOpenAi 'modules/openai.bicep' = if (!useExistingOpenAi) {
  name: 'openai'
  scope: rg
  params: {
    name: newOpenAiName
    location: openAiLocation
    tags: tags
  }
}

var openAiResourceGroupName = useExistingOpenAi ? existingOpenAiResourceGroup : rg.name

resource existingOpenAi 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = if (useExistingOpenAi) {
  name: existingOpenAiName
  scope: resourceGroup(openAiResourceGroupName)
}

// Only a new account gets its role assignment here. For an existing account the postprovision
// hook creates it with the Azure CLI, under the same guid(scope, principal, role) name (outputs
// below): a module deployed into the account's resource group would make `azd down` delete that
// whole group, the account with it (azure-dev issue 2916).
module openAiAccess 'modules/openaiAccess.bicep' = if (!useExistingOpenAi) {
  name: 'openaiAccess'
  scope: rg
  params: {
    accountName: newOpenAiName
    // A principal id is only known once the identity exists, and role assignment names must
    // include it (guid(scope, principal, role)); What-If cannot predict those names.
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
  dependsOn: [
    newOpenAi
  ]
}

var openAiAccountId = useExistingOpenAi ? existingOpenAi.id : newOpenAi!.outputs.id
var openAiEndpoint = useExistingOpenAi ? existingOpenAi!.properties.endpoint : newOpenAi!.outputs.endpoint
var openAiAccountName = useExistingOpenAi ? existingOpenAiName : newOpenAiName

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
    storageAccountName: storageAccountName
    serviceBusNamespaceName: serviceBusNamespaceName
    serviceBusQueueName: serviceBusQueueName
    applicationInsightsName: applicationInsightsName
    eventsTopicName: eventsTopicName
  }
  dependsOn: [
    storage
    serviceBus
    monitoring
    eventGrid
  ]
}

// The Function App's settings. test/infra/appSettings.test.ts compares the TUNELOOP_* names (and the
// other names src/shared/config/settings.ts knows) with the settings module: every `azure` setting
// must be here, no unknown or `local` one may be. Keep keys literal so the test can read them.
var appSettings = {
  // The Functions host's own storage, identity-based.
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AZURE_CLIENT_ID: identity.outputs.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identity.outputs.clientId}'
  TUNELOOP_STORAGE__blobServiceUri: storage.outputs.blobEndpoint
  TUNELOOP_STORAGE__queueServiceUri: storage.outputs.queueEndpoint
  TUNELOOP_STORAGE__tableServiceUri: storage.outputs.tableEndpoint
  TUNELOOP_STORAGE__credential: 'managedidentity'
  TUNELOOP_STORAGE__clientId: identity.outputs.clientId
  // Flex Consumption only delivers blob triggers through Event Grid (the postdeploy hook's subscription).
  TUNELOOP_BLOB_TRIGGER_SOURCE: 'EventGrid'
  TUNELOOP_JOB_TRANSPORT: jobTransport
  TUNELOOP_SERVICEBUS__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  TUNELOOP_SERVICEBUS__credential: 'managedidentity'
  TUNELOOP_SERVICEBUS__clientId: identity.outputs.clientId
  TUNELOOP_BASE_MODEL: baseModel
  TUNELOOP_OPENAI_AUTH: 'default'
  TUNELOOP_OPENAI_ENDPOINT: openAiEndpoint
  TUNELOOP_OPENAI_SUBSCRIPTION_ID: subscription().subscriptionId
  TUNELOOP_OPENAI_RESOURCE_GROUP: openAiResourceGroupName
  TUNELOOP_OPENAI_ACCOUNT: openAiAccountName
  TUNELOOP_EVENTGRID_TOPIC_ENDPOINT: eventGrid.outputs.eventsTopicEndpoint
  TUNELOOP_DRIFT_THRESHOLD: driftThreshold
  TUNELOOP_RETRAIN_SCHEDULE: retrainSchedule
  TUNELOOP_MAX_TRAINING_COST_USD: maxTrainingCostUsd
  // V8 flags of the Node worker process (the host reads this setting): a small young generation
  // and slow old-generation growth keep a big blob within the instance's memory, and scavenges run
  // on the thread that fills its young generation (its helper threads would compete with the
  // preprocessing workers for the cores; docs/preprocessing.md, twelfth round); the same flags
  // as the CLI launcher (bin/tuneloop.js) and `npm start` (test/cli/memoryFlags.test.ts).
  languageWorkers__node__arguments: '--max-semi-space-size=2 --heap-growing-percent=20 --no-parallel-scavenge'
  // At most 2 glibc malloc arenas (default: 8 per core, one per busy thread), whose freed but
  // unreturned memory counts as RSS: 244 -> 221 MB for the blob function with 2 preprocessing
  // workers on a 10 MB gzip blob; glibc reads it at process start, so it is an app setting.
  MALLOC_ARENA_MAX: '2'
  // Big buffers mapped and returned on free, not kept in the heap (src/local/mallocArenas.ts, GLIBC_MALLOC_ENV).
  MALLOC_MMAP_THRESHOLD_: '131072'
  MALLOC_TRIM_THRESHOLD_: '262144'
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    appSettings: appSettings
  }
  // The host starts as soon as the app exists; its identity must already reach storage.
  dependsOn: [
    roles
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    namePrefix: 'tuneloop-${resourceToken}'
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    alertEmail: alertEmail
    driftThreshold: driftThreshold
    evalRejectionsThreshold: evalRejectionsThreshold
    jobFailuresThreshold: jobFailuresThreshold
    budgetRefusalsThreshold: budgetRefusalsThreshold
    quarantineShareThreshold: quarantineShareThreshold
    quarantineMinRecords: quarantineMinRecords
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    applicationInsightsName: applicationInsightsName
    displayName: 'tuneloop quality and drift (${environmentName})'
  }
  dependsOn: [
    monitoring
  ]
}

// azd stores these in the environment; the postdeploy hook and the README commands read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_ACCOUNT_ID string = storage.outputs.id
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.systemTopicName
output AZURE_OPENAI_ENDPOINT string = openAiEndpoint
output AZURE_OPENAI_ACCOUNT string = openAiAccountName
output AZURE_OPENAI_RESOURCE_GROUP string = openAiResourceGroupName
// For the postprovision hook (existing account only): what to assign, to whom, under which name.
output AZURE_OPENAI_ACCOUNT_ID string = openAiAccountId
output AZURE_OPENAI_EXISTING_NAME string = existingOpenAiName
output AZURE_APP_PRINCIPAL_ID string = identity.outputs.principalId
output AZURE_OPENAI_ROLE_ID string = roleIds.cognitiveServicesOpenAIContributor
output AZURE_OPENAI_APP_ROLE_ASSIGNMENT string = guid(openAiAccountId, identity.outputs.principalId, roleIds.cognitiveServicesOpenAIContributor)
output AZURE_OPENAI_USER_ROLE_ASSIGNMENT string = empty(principalId) ? '' : guid(openAiAccountId, principalId, roleIds.cognitiveServicesOpenAIContributor)
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output RAW_LOGS_CONTAINER string = 'raw-logs'
output PREPROCESS_FUNCTION_NAME string = 'preprocess'
