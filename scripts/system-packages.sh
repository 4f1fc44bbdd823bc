#!/usr/bin/env bash
# Install the system packages the project needs (Debian/Ubuntu), or say what is missing.
# Used by `make demo` and CI. Extra package names may be given as arguments.
set -euo pipefail

wanted=(redis-server ffmpeg fonts-noto-cjk "$@")
missing=()
for pkg in "${wanted[@]}"; do
  case "$pkg" in
    redis-server) command -v redis-server >/dev/null || missing+=("$pkg") ;;
    ffmpeg) command -v ffmpeg >/dev/null || missing+=("$pkg") ;;
    fonts-noto-cjk) fc-list :lang=ja 2>/dev/null | grep -qi noto || missing+=("$pkg") ;;
    chromium) command -v chromium >/dev/null || missing+=("$pkg") ;;
    *) dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg") ;;
  esac
done
((${#missing[@]})) || exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "missing system packages: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
