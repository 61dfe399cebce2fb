#!/bin/sh
# azd postdeploy hook: subscribes the preprocess function to "blob created in raw-logs" events of
# the storage account's Event Grid system topic. The subscription's webhook carries the function
# app's blobs_extension system key, which the Functions host creates when it first starts with a
# blob trigger, so this runs after the code is deployed, not in Bicep. Safe to re-run (create
# updates an existing subscription of the same name).
# Needs: az (logged in, same subscription); azd provides the environment values below.
set -eu

for var in AZURE_RESOURCE_GROUP AZURE_FUNCTION_APP_NAME AZURE_FUNCTION_APP_HOSTNAME \
  AZURE_EVENTGRID_SYSTEM_TOPIC_NAME RAW_LOGS_CONTAINER PREPROCESS_FUNCTION_NAME; do
  eval "value=\${$var:-}"
  if [ -z "$value" ]; then
    echo "postdeploy: $var is not set; run through 'azd deploy' (or export the values of 'azd env get-values')" >&2
    exit 2
  fi
done

if ! command -v az >/dev/null 2>&1; then
  echo "postdeploy: the Azure CLI (az) is needed to create the Event Grid subscription" >&2
  exit 1
fi

echo "postdeploy: waiting for the blobs_extension key of $AZURE_FUNCTION_APP_NAME"
key=""
attempt=0
while [ -z "$key" ] && [ "$attempt" -lt 30 ]; do
  attempt=$((attempt + 1))
  key="$(az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
    --query "systemKeys.blobs_extension" --output tsv 2>/dev/null || true)"
  [ -n "$key" ] || sleep 10
done
if [ -z "$key" ]; then
  echo "postdeploy: no blobs_extension key after 5 minutes; check that the preprocess function started (Application Insights, 'az functionapp function list'), then run 'azd hooks run postdeploy'" >&2
  exit 1
fi

# The key is part of the URL; never print the URL.
endpoint="https://${AZURE_FUNCTION_APP_HOSTNAME}/runtime/webhooks/blobs?functionName=Host.Functions.${PREPROCESS_FUNCTION_NAME}&code=${key}"

echo "postdeploy: subscribing ${PREPROCESS_FUNCTION_NAME} to BlobCreated in ${RAW_LOGS_CONTAINER}"
az eventgrid system-topic event-subscription create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$AZURE_EVENTGRID_SYSTEM_TOPIC_NAME" \
  --name "${PREPROCESS_FUNCTION_NAME}-${RAW_LOGS_CONTAINER}" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/${RAW_LOGS_CONTAINER}/" \
  --event-delivery-schema eventgridschema \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --output none
echo "postdeploy: done"
