// Grants the app identity what fine-tuning needs on an Azure OpenAI account, new or existing,
// in whichever resource group the account lives (this module is deployed to that group).
// Cognitive Services OpenAI Contributor covers files, jobs and inference (data plane) and
// accounts/deployments/write|delete (control plane), so the broader Cognitive Services
// Contributor (keys, account settings) is not needed.
import { roleIds } from 'roleIds.bicep'

@description('Name of the Azure OpenAI account in this resource group.')
param accountName string

@description('Principal (object) id of the Function App identity.')
param appPrincipalId string

@description('Principal id of the person running azd (empty: none). Gets the same role, to run the CLI against Azure.')
param userPrincipalId string = ''

@description('User or ServicePrincipal (azd in a pipeline).')
@allowed([
  'User'
  'ServicePrincipal'
])
param userPrincipalType string = 'User'

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: accountName
}

resource appRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appPrincipalId, roleIds.cognitiveServicesOpenAIContributor)
  scope: account
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.cognitiveServicesOpenAIContributor)
  }
}

resource userRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(account.id, userPrincipalId, roleIds.cognitiveServicesOpenAIContributor)
  scope: account
  properties: {
    principalId: userPrincipalId
    principalType: userPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.cognitiveServicesOpenAIContributor)
  }
}

output id string = account.id
output name string = account.name
output endpoint string = account.properties.endpoint
