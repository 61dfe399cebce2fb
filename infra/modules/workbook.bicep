// The tuneloop workbook: drift, BLEU, F1, CSAT and quarantine share over time. The workbook
// itself is infra/workbook/tuneloop.workbook.json (export/import it from the portal as is).
@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Application Insights component (in this resource group) the workbook queries.')
param applicationInsightsName string

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

@description('Name shown in the portal.')
param displayName string

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // Workbook names must be GUIDs; derive it so a re-deployment updates the same workbook.
  name: guid(appInsights.id, 'tuneloop-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: appInsights.id
    version: 'Notebook/1.0'
    serializedData: loadTextContent('../workbook/tuneloop.workbook.json')
  }
}

output id string = workbook.id
