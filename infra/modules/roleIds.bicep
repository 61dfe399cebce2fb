// Built-in role definition ids (the same in every tenant), with why tuneloop needs each one.
@export()
var roleIds = {
  // The host's own storage (AzureWebJobsStorage: leases, keys) and the blob trigger need Owner,
  // not just Contributor, on blob data.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // People upload raw logs and read reports; they never need to change ACLs.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // Job queue messages, the blob trigger's poison queue.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Receipts, feedback, dedup signatures, datasets, jobs, models, evaluations.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6'
  // Enqueue (and schedule) job messages.
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  // The queue trigger receives, completes and dead-letters them.
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  // Files, fine-tuning jobs, inference (data plane) and deployments/write|delete (control plane).
  cognitiveServicesOpenAIContributor: 'a001fd3d-188f-4b5d-821b-7da978bf7442'
  // Entra-authenticated telemetry ingestion into Application Insights.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  // Publishing tuneloop's CloudEvents to its own Event Grid topic.
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7'
}
