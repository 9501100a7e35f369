#!/usr/bin/env bash
# Build the one-folder Lookalike app for this OS into dist/lookalike/, then smoke-test the frozen
# executable: --version, and --self-test (a real scan through the process pool, headless).
#
#     bash packaging/build.sh               # uses .venv/bin/python (installs pyinstaller if needed)
#     PYTHON=/path/to/python bash packaging/build.sh
#
# On Windows run it from Git Bash with PYTHON=.venv/Scripts/python.exe; the smoke tests then run
# dist/lookalike/lookalike.exe. On macOS it also leaves dist/Lookalike.app.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    "$PYTHON" -m pip install --quiet -e ".[package]"
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
