#!/usr/bin/env bash
# Installs the Debian packages pixcodec needs to build, test and benchmark.
# Idempotent: apt-get runs only when something is missing.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config
  libturbojpeg0-dev libjpeg62-turbo-dev libjpeg-turbo-progs
  libspng-dev zlib1g-dev
  libopenjp2-7-dev libopenjp2-tools openjph-tools libtiff-dev libtiff-tools libwebp-dev webp
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libdav1d-dev libffmpeg-nvenc-dev ffmpeg
  python3 python3-dev python3-numpy python3-pytest python3-pil python3-opencv python3-setuptools python3-pip python3-venv python3-av
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
