// Log alerts on the metrics and events tuneloop writes to Application Insights (customMetrics,
// customEvents), plus the action group that emails someone. Thresholds are parameters of main.bicep.
// test/infra checks that every metric and event name queried here is one the code emits.
@description('Azure region of the alert rules.')
param location string

@description('Tags for every resource.')
param tags object

@description('Prefix of alert rule names.')
param namePrefix string

@description('Application Insights component the rules query.')
param applicationInsightsId string

@description('Who gets the email; empty: no receiver.')
param alertEmail string

@description('Drift score at or above which the drift rule fires (a number, as text: Bicep has no decimals).')
param driftThreshold string

@description('Rejected candidates per day that fire the evaluation-regression rule.')
param evalRejectionsThreshold int

@description('Failed fine-tuning jobs per day that fire the job-failure rule.')
param jobFailuresThreshold int

@description('Budget refusals per day that fire the budget rule.')
param budgetRefusalsThreshold int

@description('Quarantined share of preprocessed records (0-1, as text) that fires the quarantine rule.')
param quarantineShareThreshold string

@description('Fewest records in the window before the quarantine share counts.')
param quarantineMinRecords int

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-ag'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'tuneloop'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'owner'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

// Every query returns the rows that are bad; a rule fires when there are at least `threshold` of them.
var rules = [
  {
    name: 'drift'
    displayName: 'tuneloop: data drift over threshold'
    description: 'The combined drift score of recent conversations against the production training data reached ${driftThreshold}. Consider retraining; see the tuneloop workbook.'
    severity: 2
    evaluationFrequency: 'PT1H'
    windowSize: 'PT2H'
    threshold: 1
    query: 'customMetrics | where name == "tuneloop.drift.score" | where valueMax >= todouble("${driftThreshold}")'
  }
  {
    name: 'eval-regression'
    displayName: 'tuneloop: candidate model rejected'
    description: 'Nightly evaluation rejected ${evalRejectionsThreshold} or more fine-tuned candidates in a day (BLEU, F1, perplexity or out-of-scope handling regressed). Read the evaluation report in eval-reports.'
    severity: 2
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    threshold: evalRejectionsThreshold
    query: 'customEvents | where name == "tuneloop.model.rejected"'
  }
  {
    name: 'job-failures'
    displayName: 'tuneloop: fine-tuning job failed'
    description: '${jobFailuresThreshold} or more fine-tuning jobs failed in a day. `tuneloop status` shows the job and its error.'
    severity: 1
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    threshold: jobFailuresThreshold
    query: 'customEvents | where name == "tuneloop.job.failed"'
  }
  {
    name: 'budget-refusals'
    displayName: 'tuneloop: training refused by budget'
    description: 'A dataset was not trained because its estimated cost exceeded the budget ${budgetRefusalsThreshold} or more times in a day.'
    severity: 3
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    threshold: budgetRefusalsThreshold
    query: 'customEvents | where name == "tuneloop.budget.refused"'
  }
  {
    name: 'dataset-untrained'
    displayName: 'tuneloop: newest dataset cannot be trained without a person'
    description: 'Every job on the newest dataset version failed and the nightly run has used its resubmissions (TUNELOOP_RETRAIN_MAX_RESUBMISSIONS), so it trains nothing until the cause is fixed. `tuneloop status` shows the last job and its error.'
    severity: 1
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    threshold: 1
    query: 'customMetrics | where name == "tuneloop.dataset.untrained"'
  }
  {
    name: 'quarantine-spike'
    displayName: 'tuneloop: quarantine share spike'
    description: 'More than ${quarantineShareThreshold} of preprocessed records went to quarantine in the last hours (at least ${quarantineMinRecords} records). A source format probably changed; look at the quarantine container.'
    severity: 2
    evaluationFrequency: 'PT1H'
    windowSize: 'PT6H'
    threshold: 1
    query: 'customMetrics | where name in ("tuneloop.preprocess.records_in", "tuneloop.preprocess.records_quarantined") | summarize recordsIn = sumif(valueSum, name == "tuneloop.preprocess.records_in"), quarantined = sumif(valueSum, name == "tuneloop.preprocess.records_quarantined") | where recordsIn >= ${quarantineMinRecords} and quarantined / recordsIn > todouble("${quarantineShareThreshold}")'
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      evaluationFrequency: rule.evaluationFrequency
      windowSize: rule.windowSize
      scopes: [
        applicationInsightsId
      ]
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: 'GreaterThanOrEqual'
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

output actionGroupId string = actionGroup.id
