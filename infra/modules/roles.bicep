// Role assignments on the resources in tuneloop's resource group, each named
// guid(scope, principal, role) so a re-deployment finds the same assignment.
// Scopes are as narrow as the resource model allows (the queue, not the namespace).
import { roleIds } from 'roleIds.bicep'

@description('Principal (object) id of the Function App identity.')
param appPrincipalId string

@description('Principal id of the person running azd (empty: none). Gets data roles to upload logs and run `tuneloop status` against Azure.')
param userPrincipalId string = ''

@description('User or ServicePrincipal (azd in a pipeline).')
@allowed([
  'User'
  'ServicePrincipal'
])
param userPrincipalType string = 'User'

param storageAccountName string
param serviceBusNamespaceName string
param serviceBusQueueName string
param applicationInsightsName string

@description('Name of tuneloop\'s own Event Grid topic (empty: not deployed).')
param eventsTopicName string = ''

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2026-01-01' existing = {
  name: serviceBusNamespaceName

  resource queue 'queues' existing = {
    name: serviceBusQueueName
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource eventsTopic 'Microsoft.EventGrid/topics@2025-02-15' existing = if (!empty(eventsTopicName)) {
  name: eventsTopicName
}

var appStorageRoles = [
  roleIds.storageBlobDataOwner
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

resource appStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in appStorageRoles: {
    name: guid(storage.id, appPrincipalId, role)
    scope: storage
    properties: {
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

var appServiceBusRoles = [
  roleIds.serviceBusDataSender
  roleIds.serviceBusDataReceiver
]

resource appServiceBus 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in appServiceBusRoles: {
    name: guid(serviceBus::queue.id, appPrincipalId, role)
    scope: serviceBus::queue
    properties: {
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource appMetrics 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appPrincipalId, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
  }
}

resource appEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(eventsTopicName)) {
  name: guid(eventsTopic.id, appPrincipalId, roleIds.eventGridDataSender)
  scope: eventsTopic
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.eventGridDataSender)
  }
}

var userStorageRoles = [
  roleIds.storageBlobDataContributor
  roleIds.storageTableDataReader
]

resource userStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in (empty(userPrincipalId) ? [] : userStorageRoles): {
    name: guid(storage.id, userPrincipalId, role)
    scope: storage
    properties: {
      principalId: userPrincipalId
      principalType: userPrincipalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]
