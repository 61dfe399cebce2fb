# azd postdeploy hook (Windows): same as postdeploy.sh. Subscribes the preprocess function to
# "blob created in raw-logs" events of the storage account's Event Grid system topic, using the
# function app's blobs_extension system key (created when the host first starts). Safe to re-run.
$ErrorActionPreference = 'Stop'

$required = 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'AZURE_FUNCTION_APP_HOSTNAME',
  'AZURE_EVENTGRID_SYSTEM_TOPIC_NAME', 'RAW_LOGS_CONTAINER', 'PREPROCESS_FUNCTION_NAME'
foreach ($name in $required) {
  if (-not [Environment]::GetEnvironmentVariable($name)) {
    Write-Error "postdeploy: $name is not set; run through 'azd deploy' (or set the values of 'azd env get-values')"
    exit 2
  }
}
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
  Write-Error 'postdeploy: the Azure CLI (az) is needed to create the Event Grid subscription'
  exit 1
}

$rg = $env:AZURE_RESOURCE_GROUP
$app = $env:AZURE_FUNCTION_APP_NAME
$fn = $env:PREPROCESS_FUNCTION_NAME
$container = $env:RAW_LOGS_CONTAINER

Write-Host "postdeploy: waiting for the blobs_extension key of $app"
$key = ''
for ($attempt = 1; $attempt -le 30 -and -not $key; $attempt++) {
  $key = az functionapp keys list --resource-group $rg --name $app --query 'systemKeys.blobs_extension' --output tsv 2>$null
  if (-not $key) { Start-Sleep -Seconds 10 }
}
if (-not $key) {
  Write-Error "postdeploy: no blobs_extension key after 5 minutes; check that the preprocess function started, then run 'azd hooks run postdeploy'"
  exit 1
}

# The key is part of the URL; never print the URL. az is a .cmd on Windows, where cmd.exe would
# split the argument at '&' unless it arrives in double quotes, hence the embedded quotes.
$endpoint = "https://$($env:AZURE_FUNCTION_APP_HOSTNAME)/runtime/webhooks/blobs?functionName=Host.Functions.$fn&code=$key"
$endpointArg = '"' + $endpoint + '"'

Write-Host "postdeploy: subscribing $fn to BlobCreated in $container"
az eventgrid system-topic event-subscription create `
  --resource-group $rg `
  --system-topic-name $env:AZURE_EVENTGRID_SYSTEM_TOPIC_NAME `
  --name "$fn-$container" `
  --endpoint-type webhook `
  --endpoint $endpointArg `
  --included-event-types Microsoft.Storage.BlobCreated `
  --subject-begins-with "/blobServices/default/containers/$container/" `
  --event-delivery-schema eventgridschema `
  --max-delivery-attempts 30 `
  --event-ttl 1440 `
  --output none
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Write-Host 'postdeploy: done'
