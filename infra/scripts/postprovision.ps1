# azd postprovision hook (Windows): same as postprovision.sh. With an existing Azure OpenAI account,
# gives the Function App identity (and the person running azd) Cognitive Services OpenAI
# Contributor on it, under the guid(scope, principal, role) names main.bicep outputs.
$ErrorActionPreference = 'Stop'

if (-not $env:AZURE_OPENAI_EXISTING_NAME) {
  Write-Host 'postprovision: new Azure OpenAI account; its role assignments are part of the Bicep deployment'
  exit 0
}
foreach ($name in 'AZURE_OPENAI_ACCOUNT_ID', 'AZURE_OPENAI_ROLE_ID', 'AZURE_APP_PRINCIPAL_ID', 'AZURE_OPENAI_APP_ROLE_ASSIGNMENT') {
  if (-not [Environment]::GetEnvironmentVariable($name)) {
    Write-Error "postprovision: $name is not set; run through 'azd provision' (or set the values of 'azd env get-values')"
    exit 2
  }
}
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
  Write-Error 'postprovision: the Azure CLI (az) is needed to grant access to the existing Azure OpenAI account'
  exit 1
}

function Grant-OpenAIContributor([string]$AssignmentName, [string]$PrincipalId, [string]$PrincipalType) {
  $count = az role assignment list --scope $env:AZURE_OPENAI_ACCOUNT_ID --assignee $PrincipalId --role $env:AZURE_OPENAI_ROLE_ID --query 'length(@)' --output tsv 2>$null
  if ($count -and $count -ne '0') {
    Write-Host "postprovision: $PrincipalType $PrincipalId already has Cognitive Services OpenAI Contributor on $($env:AZURE_OPENAI_EXISTING_NAME)"
    return
  }
  # A new identity can take a minute to reach Entra ID replicas (PrincipalNotFound): retry.
  for ($attempt = 1; $attempt -le 6; $attempt++) {
    az role assignment create --name $AssignmentName --assignee-object-id $PrincipalId --assignee-principal-type $PrincipalType `
      --role $env:AZURE_OPENAI_ROLE_ID --scope $env:AZURE_OPENAI_ACCOUNT_ID --output none
    if ($LASTEXITCODE -eq 0) {
      Write-Host "postprovision: $PrincipalType $PrincipalId now has Cognitive Services OpenAI Contributor on $($env:AZURE_OPENAI_EXISTING_NAME)"
      return
    }
    Start-Sleep -Seconds 10
  }
  Write-Error "postprovision: could not assign Cognitive Services OpenAI Contributor to $PrincipalId on $($env:AZURE_OPENAI_ACCOUNT_ID); you need Owner, User Access Administrator or Role Based Access Control Administrator there"
  exit 1
}

Grant-OpenAIContributor $env:AZURE_OPENAI_APP_ROLE_ASSIGNMENT $env:AZURE_APP_PRINCIPAL_ID 'ServicePrincipal'
if ($env:AZURE_PRINCIPAL_ID -and $env:AZURE_OPENAI_USER_ROLE_ASSIGNMENT) {
  $type = if ($env:AZURE_PRINCIPAL_TYPE) { $env:AZURE_PRINCIPAL_TYPE } else { 'User' }
  Grant-OpenAIContributor $env:AZURE_OPENAI_USER_ROLE_ASSIGNMENT $env:AZURE_PRINCIPAL_ID $type
}
