#!/usr/bin/env bash
# Build govqueue-apps_<version>_<arch>.deb: the kiosk, hall display, window client and rating
# pad for a Debian-family hall PC, installed from uv.lock with nothing done by hand
# (docs/hall-pcs.md).
#   bash deploy/hall-pc/build-deb.sh [ARCH] [OUT_DIR]      ARCH: amd64 (default) or arm64
# It runs on any machine with uv (bash dev.sh setup) and reaches PyPI for the wheels of ARCH.
# The package holds the exact Python packages of uv.lock (wheels for ARCH) under
# /opt/govqueue-apps/lib and runs them with the system's Python 3.11; Depends names the Debian
# libraries Qt, the voice and the printers need (the same as dev.sh's APT_PACKAGES).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../.." && pwd)
arch=${1:-amd64}
out=$(mkdir -p "${2:-$project/dist}" && cd "${2:-$project/dist}" && pwd)
uv=${UV:-$project/.venv/bin/uv}
case "$arch" in
  amd64) platform=x86_64-manylinux_2_36; libc="libc6 (>= 2.34)" ;;        # Debian 12: glibc 2.36
  # PySide6 6.12 publishes arm64 wheels for glibc 2.39 and later only (Debian 12 has 2.36)
  arm64) platform=aarch64-manylinux_2_39; libc="libc6 (>= 2.39)" ;;
  *) echo "build-deb.sh: ARCH is amd64 or arm64, not $arch" >&2; exit 2 ;;
esac
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$project/pyproject.toml" | head -1)
work=$(mktemp -d "${TMPDIR:-/tmp}/govqueue-deb-XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
lib=$root/opt/govqueue-apps/lib

echo "[deb] the locked packages for $arch ($platform)"
(cd "$project" && "$uv" export --frozen --no-dev --no-hashes --no-emit-project --no-header \
  --quiet >"$work/requirements.txt")
"$uv" pip install --quiet --target "$lib" --python-version 3.11 --python-platform "$platform" \
  --no-deps --no-compile -r "$work/requirements.txt"
echo "[deb] govqueue's own packages"
# the wheel's packages and the command's entry point, as pyproject.toml names them
read -r packages entry < <(python3 - "$project/pyproject.toml" <<'PY'
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))
packages = project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
print(",".join(packages), project["project"]["scripts"]["govqueue"])
PY
)
for package in ${packages//,/ }; do
  cp -r "$project/$package" "$lib/"
done
# the project's metadata: `govqueue` finds the apps' commands as entry points (server/cli/main.py)
python3 - "$project/pyproject.toml" "$lib" <<'PY'
import sys, tomllib
from pathlib import Path
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
info = Path(sys.argv[2]) / f"govqueue-{project['version']}.dist-info"
info.mkdir()
(info / "METADATA").write_text(
    f"Metadata-Version: 2.1\nName: govqueue\nVersion: {project['version']}\n"
)
groups = {"console_scripts": project["scripts"], **project["entry-points"]}
(info / "entry_points.txt").write_text("".join(
    f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in entries.items()) + "\n"
    for group, entries in groups.items()
))
PY
module=${entry%%:*}
function=${entry##*:}
find "$lib" -name __pycache__ -prune -exec rm -rf {} +
rm -rf "$lib"/bin  # console scripts of the wheels: /usr/bin/govqueue is the one entry point

install -d "$root/usr/bin"
cat >"$root/usr/bin/govqueue" <<SH
#!/bin/sh
# govqueue's apps (and commands) with the packages of /opt/govqueue-apps/lib
PYTHONPATH=/opt/govqueue-apps/lib exec /usr/bin/python3.11 -c \\
  'import sys; sys.argv[0] = "govqueue"; from $module import $function; $function()' "\$@"
SH
chmod 0755 "$root/usr/bin/govqueue"
install -D -m 0644 "$here/govqueue-cage@.service" "$root/usr/lib/systemd/system/govqueue-cage@.service"
for unit in "$here"/user/*.service; do
  install -D -m 0644 "$unit" "$root/usr/lib/systemd/user/$(basename "$unit")"
done
for entry in "$here"/autostart/*.desktop; do
  install -D -m 0644 "$entry" "$root/usr/share/govqueue-apps/autostart/$(basename "$entry")"
done

install -d "$root/DEBIAN"
size=$(du -sk "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: govqueue-apps
Version: $version
Architecture: $arch
Maintainer: govqueue <govqueue@localhost>
Installed-Size: $size
Depends: python3.11, $libc, libglib2.0-0, libfontconfig1, libfreetype6, libegl1, libgl1, libopengl0, libxkbcommon0, libxkbcommon-x11-0, libdbus-1-3, libx11-6, libx11-xcb1, libxrandr2, libxext6, libxrender1, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libxcb-xinerama0, libxcb-randr0, libxcb-render-util0, libxcb-image0, libxcb-xkb1, libxcb-xfixes0, libxcb-shm0, libxcb-sync1, libxcb-render0, libwayland-client0, libwayland-cursor0, libwayland-egl1, libnss3, libasound2, libpulse0, fonts-wqy-microhei, espeak-ng, libusb-1.0-0, adduser
Recommends: cage
Section: misc
Priority: optional
Homepage: https://example.invalid/govqueue
Description: govqueue hall PC apps (自助取号机, 大厅显示屏, 窗口叫号, 评价器)
 The kiosk, hall display, window client and rating pad of govqueue, with the exact
 Python packages of the project's lock file, a kiosk session for cage and autostart
 units. See /opt/govqueue-apps/lib/../docs or docs/hall-pcs.md in the project.
CONTROL
cp "$here/postinst" "$root/DEBIAN/postinst"
cp "$here/postrm" "$root/DEBIAN/postrm"
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
deb="$out/govqueue-apps_${version}_${arch}.deb"
echo "[deb] packing $deb"
dpkg-deb --root-owner-group -Zgzip -z1 --build "$root" "$deb" >/dev/null
echo "$deb"
