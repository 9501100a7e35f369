#!/usr/bin/env bash
# Build the one-folder Lookalike app for this OS into dist/lookalike/, then smoke-test the frozen
# executable: --version, and --self-test (a real scan through the process pool, headless).
#
#     bash packaging/build.sh               # in build/bundle-venv, made from the lock file
#     PYTHON=/path/to/python bash packaging/build.sh   # an environment you prepared yourself
#
# The bundle is built from packaging/requirements-bundle.txt (exact versions of everything), not
# from whatever PyPI serves today: build/bundle-venv is made from it, and made again when it
# changes. On Windows run it from Git Bash with PYTHON=.venv/Scripts/python.exe; the smoke tests
# then run dist/lookalike/lookalike.exe. On macOS it also leaves dist/Lookalike.app.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${PYTHON:-}" ]]; then
    venv=build/bundle-venv
    lock=packaging/requirements-bundle.txt
    if ! cmp -s "$lock" "$venv/requirements-bundle.txt"; then
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --no-deps -r "$lock"
        "$venv/bin/python" -m pip check
        cp "$lock" "$venv/requirements-bundle.txt"
    fi
    PYTHON="$venv/bin/python"
fi

start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/lookalike.spec
echo "build: $(($(date +%s) - start)) s, $(du -sh dist/lookalike | cut -f1) in dist/lookalike/"

exe=dist/lookalike/lookalike
[[ -x "$exe" ]] || exe=dist/lookalike/lookalike.exe

# Smoke tests of the frozen app. No display is needed: --self-test never opens a window, and
# offscreen keeps Qt quiet should anything load it.
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
version=$("$exe" --version)
echo "frozen --version: $version"
[[ "$version" == lookalike\ * ]] || { echo "unexpected --version output" >&2; exit 1; }
# A pool that cannot start its workers in a frozen app may hang rather than fail: cap it where
# coreutils' timeout exists (Linux, Git Bash; macOS only with coreutils installed). The +-form
# expands an empty array safely under set -u in the bash 3.2 macOS ships.
limit=()
if command -v timeout >/dev/null; then
    limit=(timeout 600)
fi
${limit[@]+"${limit[@]}"} "$exe" --self-test
echo "frozen self-test passed"

# The window itself, on a real X server (Xvfb), with the system's X11, GL and font libraries the
# bundle leaves out: it must map its main window and list the path that does not exist. CI
# installs xvfb and x11-utils; elsewhere this runs where they are.
if [[ "$(uname -s)" == Linux ]]; then
    if command -v xvfb-run >/dev/null && command -v xwininfo >/dev/null; then
        QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" \
            bash packaging/window-smoke.sh "$exe"
    elif [[ -n "${CI:-}" ]]; then
        echo "build.sh: CI needs xvfb-run and xwininfo (xvfb, x11-utils)" >&2
        exit 1
    fi
fi
