#!/usr/bin/env bash
# Debian/Ubuntu packages vaegui's set-up wants: python3-venv (without it `python3 -m venv` fails),
# Qt's runtime libraries (offscreen and X11), the real Fashion-MNIST, and for the real-screen tests and the
# screenshots (tests/screen/) a virtual X screen (Xvfb), a window manager (openbox), x11-utils (xwininfo, xprop:
# where the window manager put each window) and xdotool (a real pointer).
# Skipped quietly where apt is not available.
set -u
packages=(
  python3-venv
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xkb1 xvfb openbox x11-utils xdotool
  dataset-fashion-mnist
)
command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 || {
  echo "apt-get not found: install Qt's libraries and (optionally) Fashion-MNIST yourself; see README." >&2
  exit 0
}
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n); else
  echo "Missing Debian packages (run as root to install): ${missing[*]}" >&2
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq || true
# Install what is available one by one, so one unknown package (an older release) does not block the rest.
if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  for p in "${missing[@]}"; do
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$p" >/dev/null || echo "Could not install $p" >&2
  done
fi
exit 0
