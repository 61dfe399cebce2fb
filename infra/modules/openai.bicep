// A new Azure OpenAI account for fine-tuning. Keys are disabled: the app calls it with its
// managed identity, which needs a custom subdomain.
@description('Account name; also its custom subdomain (<name>.openai.azure.com).')
@minLength(2)
@maxLength(64)
param name string

@description('A region where the base model can be fine-tuned (checked by the allowed values in main.bicep).')
param location string

@description('Tags for every resource.')
param tags object

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
    }
  }
}

output id string = account.id
output name string = account.name
output endpoint string = account.properties.endpoint
