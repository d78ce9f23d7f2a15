#!/usr/bin/env bash
# Set up a fresh virtual environment and run the whole test suite (the README's test command).
# Chromium (Debian's, for the review-page browser test) is installed when missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
# OpenCV (pulled in by the OCR engine) loads libGL and GLib
if ! ldconfig -p | grep -q 'libGL.so.1' && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq libgl1 libglib2.0-0 >/dev/null
fi
python3 -m venv .venv
. .venv/bin/activate
pip install -q -e '.[test,service,ray]'
python -m pytest "$@"
