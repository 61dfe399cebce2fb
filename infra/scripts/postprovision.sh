#!/bin/sh
# azd postprovision hook. With an existing Azure OpenAI account (AZURE_OPENAI_EXISTING_NAME), gives
# the Function App identity (and the person running azd) Cognitive Services OpenAI Contributor on
# that account. Bicep does this itself for a new account; for an existing one it must not deploy
# into the account's resource group, or `azd down` would delete that group. The assignment names
# are the guid(scope, principal, role) values main.bicep outputs, so re-runs find the same ones.
# Needs: az (logged in, same subscription); azd provides the environment values below.
set -eu

if [ -z "${AZURE_OPENAI_EXISTING_NAME:-}" ]; then
  echo "postprovision: new Azure OpenAI account; its role assignments are part of the Bicep deployment"
  exit 0
fi

for var in AZURE_OPENAI_ACCOUNT_ID AZURE_OPENAI_ROLE_ID AZURE_APP_PRINCIPAL_ID AZURE_OPENAI_APP_ROLE_ASSIGNMENT; do
  eval "value=\${$var:-}"
  if [ -z "$value" ]; then
    echo "postprovision: $var is not set; run through 'azd provision' (or export the values of 'azd env get-values')" >&2
    exit 2
  fi
done
if ! command -v az >/dev/null 2>&1; then
  echo "postprovision: the Azure CLI (az) is needed to grant access to the existing Azure OpenAI account" >&2
  exit 1
fi

# assign <assignment name> <principal object id> <principal type>
assign() {
  existing="$(az role assignment list --scope "$AZURE_OPENAI_ACCOUNT_ID" --assignee "$2" --role "$AZURE_OPENAI_ROLE_ID" \
    --query "length(@)" --output tsv 2>/dev/null || echo 0)"
  if [ "${existing:-0}" != "0" ]; then
    echo "postprovision: $3 $2 already has Cognitive Services OpenAI Contributor on $AZURE_OPENAI_EXISTING_NAME"
    return 0
  fi
  # A new identity can take a minute to reach Entra ID replicas (PrincipalNotFound): retry.
  attempt=0
  until az role assignment create --name "$1" --assignee-object-id "$2" --assignee-principal-type "$3" \
    --role "$AZURE_OPENAI_ROLE_ID" --scope "$AZURE_OPENAI_ACCOUNT_ID" --output none; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 6 ]; then
      echo "postprovision: could not assign Cognitive Services OpenAI Contributor to $2 on $AZURE_OPENAI_ACCOUNT_ID; you need Owner, User Access Administrator or Role Based Access Control Administrator there" >&2
      return 1
    fi
    sleep 10
  done
  echo "postprovision: $3 $2 now has Cognitive Services OpenAI Contributor on $AZURE_OPENAI_EXISTING_NAME"
}

assign "$AZURE_OPENAI_APP_ROLE_ASSIGNMENT" "$AZURE_APP_PRINCIPAL_ID" ServicePrincipal
if [ -n "${AZURE_PRINCIPAL_ID:-}" ] && [ -n "${AZURE_OPENAI_USER_ROLE_ASSIGNMENT:-}" ]; then
  assign "$AZURE_OPENAI_USER_ROLE_ASSIGNMENT" "$AZURE_PRINCIPAL_ID" "${AZURE_PRINCIPAL_TYPE:-User}"
fi
