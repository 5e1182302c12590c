#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages Vidshelf needs to build, run and test, skipping those
# already installed. Uses sudo when not root.
set -eu

# inotify-tools: the peer of tests/bench/bench-watch.sh
# xdotool: real pointer and key events (XTEST) for the UI tests
# openbox: a window manager that grants fullscreen under Xvfb (test-player starts it)
# clang-format: clang-format and git-clang-format for build-aux/check-format
packages="
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsqlite3-dev libjson-glib-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgdk-pixbuf-2.0-dev
  libgtk-4-media-gstreamer
  desktop-file-utils appstream shared-mime-info
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-libav gstreamer1.0-plugins-ugly gstreamer1.0-tools
  gstreamer1.0-plugins-base-apps
  xvfb xauth dbus-x11 adwaita-icon-theme xdotool openbox
  valgrind clang libclang-rt-14-dev clang-format
  inotify-tools
"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
else
  sudo="sudo"
fi

echo "install-deps: installing$missing"
$sudo apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
