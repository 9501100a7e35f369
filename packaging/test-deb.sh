#!/usr/bin/env bash
# Install the .deb that build-deb.sh made, check it as a user of the system would, remove it.
# Needs root (CI runs as root); it changes the system, so it removes the package even when a
# check fails.
#
#     sudo bash packaging/test-deb.sh
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(dist/lookalike_*.deb)
[[ -f "${debs[0]}" ]] || { echo "test-deb.sh: run packaging/build-deb.sh first" >&2; exit 1; }
app_id=io.github.lookalike.lookalike
desktop=/usr/share/applications/$app_id.desktop

remove() {
    apt-get remove -y -qq lookalike >/dev/null
}
trap remove EXIT

# apt resolves the Depends from the archive; the ./ makes it read a file, not a package name.
apt-get install -y -qq --no-install-recommends "./${debs[0]}" >/dev/null

[[ "$(command -v lookalike)" == /usr/bin/lookalike ]] || { echo "lookalike is not on PATH" >&2; exit 1; }
home=$(mktemp -d)
HOME=$home QT_QPA_PLATFORM=offscreen timeout 600 lookalike --self-test
[[ -f "$desktop" ]] || { echo "no $desktop" >&2; exit 1; }
grep -qx 'Exec=lookalike %F' "$desktop"
for tool in desktop-file-validate appstreamcli; do
    command -v "$tool" >/dev/null || { echo "test-deb.sh: needs $tool" >&2; exit 1; }
done
desktop-file-validate "$desktop"
appstreamcli validate --no-net "/usr/share/metainfo/$app_id.metainfo.xml"
[[ -f /usr/share/icons/hicolor/48x48/apps/lookalike.png ]]
[[ -f /usr/share/icons/hicolor/scalable/apps/lookalike.svg ]]
[[ -f /opt/lookalike/LICENSE && -d /opt/lookalike/licenses ]]
# The MIME cache the desktop-file-utils trigger rebuilt: "Open with" offers Lookalike for folders.
grep -q "inode/directory=.*$app_id.desktop" /usr/share/applications/mimeinfo.cache
echo "test-deb.sh: installed, self-tested and validated ${debs[0]}"

trap - EXIT
remove
for path in /opt/lookalike /usr/bin/lookalike "$desktop"; do
    [[ ! -e "$path" && ! -L "$path" ]] || { echo "test-deb.sh: $path left after removal" >&2; exit 1; }
done
echo "test-deb.sh: removed cleanly"
rm -rf "$home"
