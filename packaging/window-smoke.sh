#!/usr/bin/env bash
# Start Lookalike on the X display in $DISPLAY as a file manager would (a folder and a path that
# does not exist) and wait until both its main window and the "could not add" list are mapped.
#
#     xvfb-run -a bash packaging/window-smoke.sh dist/lookalike/lookalike
set -euo pipefail
exe="$1"
scratch=$(mktemp -d)
mkdir "$scratch/Pictures"
HOME=$scratch XDG_CONFIG_HOME=$scratch/.config XDG_CACHE_HOME=$scratch/.cache \
    XDG_DATA_HOME=$scratch/.local/share XDG_STATE_HOME=$scratch/.local/state \
    "$exe" "$scratch/Pictures" /does-not-exist >"$scratch/output.txt" 2>&1 &
pid=$!
shown=""
for _ in $(seq 1 60); do
    sleep 1
    kill -0 "$pid" 2>/dev/null || break
    tree=$(xwininfo -root -tree 2>/dev/null || true)
    if grep -q '"Lookalike": ("lookalike"' <<<"$tree" && grep -q '"Could not add' <<<"$tree"; then
        shown=yes
        break
    fi
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [[ -z "$shown" ]]; then
    echo "window-smoke.sh: no Lookalike window appeared; its output:" >&2
    cat "$scratch/output.txt" >&2
    rm -rf "$scratch"
    exit 1
fi
rm -rf "$scratch"
echo "window-smoke.sh: the window and the list of unusable paths appeared"
