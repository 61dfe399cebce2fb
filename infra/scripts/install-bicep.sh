#!/usr/bin/env bash
# Puts the Bicep CLI in <repo>/.bicep/ (git-ignored) and prints its path.
# It comes from NuGet (Azure.Bicep.CommandLine.linux-x64) through `dotnet restore` of a
# throw-away project, because CI reaches package registries only (no GitHub releases, no
# `az bicep install`). Needs the .NET SDK; re-runs are instant once the pinned version is there.
set -euo pipefail

BICEP_VERSION="${BICEP_VERSION:-0.49.2}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dest="$repo/.bicep"
bin="$dest/bicep"

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "Bicep CLI version $BICEP_VERSION "; then
  echo "$bin"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Linux-aarch64) rid=linux-arm64 ;;
  Darwin-x86_64) rid=osx-x64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  *) echo "install-bicep: no Bicep CLI package for $(uname -s)-$(uname -m); install it yourself and set TUNELOOP_BICEP" >&2; exit 1 ;;
esac

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-bicep: the .NET SDK (dotnet) is needed to fetch the Bicep CLI from NuGet; install it, or install Bicep and set TUNELOOP_BICEP" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
sdk_major="$(dotnet --version | cut -d. -f1)"
work="$dest/restore"
mkdir -p "$work"
# PackageDownload fetches a package without referencing it; the project itself is never built.
cat > "$work/bicep-download.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net${sdk_major}.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.${rid}" Version="[${BICEP_VERSION}]" />
  </ItemGroup>
</Project>
XML

if ! dotnet restore "$work/bicep-download.csproj" --packages "$dest/packages" >"$work/restore.log" 2>&1; then
  cat "$work/restore.log" >&2
  echo "install-bicep: dotnet restore of Azure.Bicep.CommandLine.${rid} ${BICEP_VERSION} failed (log above)" >&2
  exit 1
fi

pkg="$dest/packages/azure.bicep.commandline.${rid}/${BICEP_VERSION}/tools/bicep"
if [ ! -f "$pkg" ]; then
  echo "install-bicep: restored package has no tools/bicep at $pkg" >&2
  exit 1
fi
chmod +x "$pkg"
ln -sf "$pkg" "$bin"
echo "$bin"
