// Storage for tuneloop's data (blobs, the job queue, tables) and the Function App's deployment
// package. Keyless only: shared-key access is off, so every client uses Entra ID.
// Container, queue and table names must match src/shared/storage/names.ts (test/infra checks it).
@description('Storage account name (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Blob container azd deploys the Function App package to (Flex Consumption reads it with the app identity).')
param deploymentContainerName string

@description('Blob containers tuneloop reads and writes.')
param containerNames string[] = [
  'raw-logs'
  'curated'
  'quarantine'
  'datasets'
  'eval-reports'
  'config'
]

@description('Storage queues: the job queue (used when the job transport is storage queues) and its poison queue.')
param queueNames string[] = [
  'finetune-jobs'
  'finetune-jobs-poison'
  'erasure-requests'
  'erasure-requests-poison'
]

@description('Tables tuneloop keeps its state in.')
param tableNames string[] = [
  'blobreceipts'
  'feedback'
  'answeredby'
  'rated'
  'dedupsignatures'
  'datasets'
  'finetunejobs'
  'models'
  'evaluations'
  'driftruns'
  'forgotten'
  'erasures'
]

@description('Days a deleted blob can still be restored (raw logs are the only copy of the source data).')
@minValue(1)
@maxValue(365)
param blobSoftDeleteDays int = 7

@description('Days a raw log blob is kept after it was last written; then lifecycle management deletes it. 0 keeps raw logs forever.')
@minValue(0)
@maxValue(3650)
param rawRetentionDays int = 90

@description('Days a quarantine blob is kept after it was last written (it holds original, unredacted text). 0 keeps it forever.')
@minValue(0)
@maxValue(3650)
param quarantineRetentionDays int = 30

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // Event Grid and the Functions platform reach the account as trusted Azure services.
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: blobSoftDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: blobSoftDeleteDays
    }
  }
}

// raw-logs and quarantine hold original, unredacted customer text: they are deleted after a
// settable number of days (docs/deploying-to-azure.md says who can read them until then).
var retentionRules = concat(
  rawRetentionDays > 0
    ? [
        {
          enabled: true
          name: 'delete-raw-logs'
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: ['raw-logs/'] }
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: rawRetentionDays } } }
          }
        }
      ]
    : [],
  quarantineRetentionDays > 0
    ? [
        {
          enabled: true
          name: 'delete-quarantine'
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: ['quarantine/'] }
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: quarantineRetentionDays } } }
          }
        }
      ]
    : []
)

resource retention 'Microsoft.Storage/storageAccounts/managementPolicies@2025-06-01' = if (!empty(retentionRules)) {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: retentionRules
    }
  }
  dependsOn: [containers]
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for container in union(containerNames, [deploymentContainerName]): {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = [
  for queue in queueNames: {
    parent: queueService
    name: queue
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = [
  for table in tableNames: {
    parent: tableService
    name: table
  }
]

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
