#!/usr/bin/env bash
# Build a Debian package from the bundle that build.sh left in dist/lookalike/:
#
#     bash packaging/build.sh && bash packaging/build-deb.sh     # dist/lookalike_VERSION_ARCH.deb
#     sudo apt install ./dist/lookalike_*.deb
#
# It installs the bundle as /opt/lookalike, the launcher /usr/bin/lookalike, and the desktop
# entry, the hicolor icons and the AppStream metainfo under /usr/share, which the desktop's own
# dpkg triggers pick up (no maintainer scripts). Depends is worked out the way dpkg-shlibdeps
# would: every library the bundle's files link to and do not carry, mapped to the Debian package
# that provides it on this machine; libc6 gets the newest glibc symbol version any file uses.
set -euo pipefail
cd "$(dirname "$0")/.."

bundle=dist/lookalike
[[ -x "$bundle/lookalike" ]] || { echo "build-deb.sh: run packaging/build.sh first" >&2; exit 1; }
for tool in dpkg-deb dpkg-query readelf objdump; do
    command -v "$tool" >/dev/null || { echo "build-deb.sh: needs $tool (dpkg, binutils)" >&2; exit 1; }
done

version=$("$bundle/lookalike" --version)
version=${version#lookalike }
arch=$(dpkg --print-architecture)
share=app/lookalike/share
app_id=io.github.lookalike.lookalike
root=build/deb/root
deb="dist/lookalike_${version}_${arch}.deb"

rm -rf build/deb
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/doc/lookalike"
cp -a "$bundle" "$root/opt/lookalike"
ln -s /opt/lookalike/lookalike "$root/usr/bin/lookalike"
install -D -m 644 "$share/applications/$app_id.desktop" \
    "$root/usr/share/applications/$app_id.desktop"
install -D -m 644 "$share/metainfo/$app_id.metainfo.xml" \
    "$root/usr/share/metainfo/$app_id.metainfo.xml"
(cd "$share" && find icons -type f) | while read -r icon; do
    install -D -m 644 "$share/$icon" "$root/usr/share/$icon"
done

# The bundle's licences stay where the bundle keeps them; the copyright file points there.
cat >"$root/usr/share/doc/lookalike/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Lookalike
Source: https://github.com/lookalike/lookalike

Files: *
Copyright: The Lookalike team
License: GPL-3.0-or-later
 On Debian systems, the full text of the GNU General Public License version 3 is in
 /usr/share/common-licenses/GPL-3 (and in /opt/lookalike/LICENSE).
Comment: /opt/lookalike bundles Python, Qt for Python (PySide6), OpenCV, NumPy, Pillow,
 Send2Trash, platformdirs and a few system libraries; their licence texts are in
 /opt/lookalike/licenses.
EOF

# Every file that links to a library the bundle does not carry names a system dependency.
carried=$(find "$bundle" \( -type f -o -type l \) -printf '%f\n' | sort -u)
# (readelf and objdump fail on the files that are not ELF: their status means nothing here.)
needed=$({ find "$bundle" -type f -exec readelf --dynamic --wide {} + 2>/dev/null || true; } \
    | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p' | sort -u)
packages=()
unresolved=()
while read -r soname; do
    owner=$(dpkg-query --search "*/$soname" 2>/dev/null | grep ":$arch: " | head -1 | cut -d: -f1 || true)
    if [[ -n "$owner" ]]; then
        packages+=("$owner")
    else
        unresolved+=("$soname")
    fi
done < <(comm -23 <(echo "$needed") <(echo "$carried"))
if [[ ${#unresolved[@]} -gt 0 ]]; then
    echo "build-deb.sh: no installed package provides ${unresolved[*]}; install it, then retry" >&2
    exit 1
fi
glibc=$({ find "$bundle" -type f -exec objdump -T {} + 2>/dev/null || true; } \
    | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
depends="libc6 (>= $glibc)"
for package in $(printf '%s\n' "${packages[@]}" | sort -u); do
    [[ "$package" == libc6 ]] || depends+=", $package"
done

cat >"$root/DEBIAN/control" <<EOF
Package: lookalike
Version: $version
Architecture: $arch
Maintainer: The Lookalike team <lookalike@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Section: graphics
Priority: optional
Homepage: https://github.com/lookalike/lookalike
Description: find duplicate photos and move the copies to the trash safely
 Lookalike finds copies of the same photo in your folders: identical files, the
 same picture saved at another size, quality or format, and rotated or mirrored
 copies. It shows each group side by side with a suggested photo to keep, moves
 the others to the trash, and can undo the last cleanup.
EOF

# zstd: 6 s on the 2-core CI machine where xz takes 90 s, for 105 MB instead of 96 MB. dpkg reads
# it from 1.21.18 on (Debian 12, Ubuntu 22.04), older than anything with the glibc we need.
dpkg-deb --root-owner-group -Zzstd -z6 --build "$root" "$deb" >/dev/null
echo "build-deb.sh: $deb, $(du -h "$deb" | cut -f1), needs glibc $glibc"
echo "build-deb.sh: Depends: $depends"
