#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the Flatpak from this checkout and installs it for the current user:
#   build-aux/flatpak-build.sh [--bundle FILE.flatpak]
# Needs flatpak and flatpak-builder; installs the GNOME runtime and SDK the manifest names
# from Flathub when they are missing.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
manifest="$top/flatpak/io.github.vidshelf.Vidshelf.json"
build="$top/_flatpak/build"
repo="$top/_flatpak/repo"

for tool in flatpak flatpak-builder; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "flatpak-build: $tool is not installed (Debian: apt-get install flatpak flatpak-builder)" >&2
    exit 1
  fi
done

version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runtime-version"])' "$manifest")
flatpak remote-add --user --if-not-exists flathub https://dl.flathub.org/repo/flathub.flatpakrepo
flatpak install --user --noninteractive flathub \
  "org.gnome.Platform//$version" "org.gnome.Sdk//$version"

flatpak-builder --user --install --force-clean --repo="$repo" \
  --state-dir="$top/_flatpak/state" "$build" "$manifest"

if [ "${1:-}" = "--bundle" ] && [ -n "${2:-}" ]; then
  flatpak build-bundle "$repo" "$2" io.github.vidshelf.Vidshelf
fi
echo "flatpak-build: installed; run with: flatpak run io.github.vidshelf.Vidshelf"
