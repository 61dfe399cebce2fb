#!/usr/bin/env bash
# Builds and lints infra/main.bicep (modules included) and fails on any error OR warning:
# bicepconfig.json raises every linter rule to error; compiler warnings (BCP…) cannot be
# configured that way, so this script rejects them from the output.
# Usage: infra/scripts/check-bicep.sh   (uses $TUNELOOP_BICEP, else .bicep/bicep, else bicep on PATH)
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
bicep="${TUNELOOP_BICEP:-}"
if [ -z "$bicep" ]; then
  if [ -x "$repo/.bicep/bicep" ]; then bicep="$repo/.bicep/bicep"; else bicep="$(command -v bicep || true)"; fi
fi
if [ -z "$bicep" ] || [ ! -x "$bicep" ]; then
  echo "check-bicep: no Bicep CLI; run infra/scripts/install-bicep.sh or set TUNELOOP_BICEP" >&2
  exit 1
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0

echo "check-bicep: $("$bicep" --version)"
for step in build lint; do
  if [ "$step" = build ]; then
    "$bicep" build "$repo/infra/main.bicep" --outdir "$out" >"$out/$step.log" 2>&1 || status=1
  else
    "$bicep" lint "$repo/infra/main.bicep" >"$out/$step.log" 2>&1 || status=1
  fi
  if grep -qE ' : (Warning|Error) ' "$out/$step.log"; then
    status=1
  fi
  if [ -s "$out/$step.log" ]; then cat "$out/$step.log"; fi
  echo "check-bicep: bicep $step $([ "$status" = 0 ] && echo ok || echo FAILED)"
  [ "$status" = 0 ] || exit 1
done
