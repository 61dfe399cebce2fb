// The system topic that turns blob writes in the storage account into events. Its subscription
// (blob created in raw-logs -> the preprocess function's blob-extension webhook) needs the
// function's system key, which exists only after the code is deployed, so the azd postdeploy
// hook creates it (infra/scripts/postdeploy.*).
// Optionally, a custom topic (CloudEvents 1.0 schema, Entra auth only) for tuneloop's own events.
@description('System topic name.')
param systemTopicName string

@description('Storage account the system topic listens to.')
param storageAccountName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of tuneloop\'s own events topic; empty: not deployed.')
param eventsTopicName string = ''

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource eventsTopic 'Microsoft.EventGrid/topics@2025-02-15' = if (!empty(eventsTopicName)) {
  name: empty(eventsTopicName) ? 'unused' : eventsTopicName
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

output systemTopicName string = systemTopic.name
output eventsTopicName string = empty(eventsTopicName) ? '' : eventsTopic.name
output eventsTopicEndpoint string = empty(eventsTopicName) ? '' : eventsTopic!.properties.endpoint
