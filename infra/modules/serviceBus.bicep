// The fine-tuning job queue in Azure: scheduled messages carry the growing poll delay, and
// messages that keep failing move to the dead-letter queue instead of being lost.
@description('Service Bus namespace name.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Basic has queues, scheduled messages and dead-lettering at no hourly charge; Standard adds topics and duplicate detection for a base fee.')
@allowed([
  'Basic'
  'Standard'
])
param sku string = 'Basic'

@description('Queue name; the same name the job functions listen on.')
param queueName string = 'finetune-jobs'

@description('Deliveries before a message is dead-lettered.')
@minValue(1)
@maxValue(100)
param maxDeliveryCount int = 5

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
    tier: sku
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = {
  parent: namespace
  name: queueName
  properties: {
    // A submit waits for file processing; five minutes covers one step without renewing the lock.
    lockDuration: 'PT5M'
    maxDeliveryCount: maxDeliveryCount
    deadLetteringOnMessageExpiration: true
    // 14 days is the longest time-to-live the Basic tier allows.
    defaultMessageTimeToLive: 'P14D'
    enablePartitioning: false
    requiresSession: false
  }
}

output id string = namespace.id
output name string = namespace.name
output queueId string = queue.id
output queueName string = queue.name
// e.g. sb-xyz.servicebus.windows.net, what identity-based Service Bus connections expect.
output fullyQualifiedNamespace string = replace(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':443/', '')
