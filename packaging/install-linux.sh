#!/usr/bin/env bash
# Put Lookalike in the current user's application menu, so it starts from a double-click.
#
#     bash packaging/install-linux.sh                  # the bundle in dist/lookalike/ if built,
#                                                      # else the pip-installed .venv/bin/lookalike
#     bash packaging/install-linux.sh --bundle DIR     # a built one-folder bundle (copied)
#     bash packaging/install-linux.sh --command PATH   # an installed `lookalike` (pip, pipx...)
#     bash packaging/install-linux.sh --uninstall      # remove everything this script installed
#
# Everything goes under ~/.local (or $XDG_DATA_HOME): no root needed. Installed files:
#   ~/.local/lib/lookalike/                              the copied bundle (--bundle only)
#   ~/.local/bin/lookalike                               a link to the executable
#   ~/.local/share/applications/lookalike.desktop        the menu entry
#   ~/.local/share/icons/hicolor/*/apps/lookalike.*      the icon, 16-512 px and scalable
#   ~/.local/share/metainfo/io.github.lookalike.Lookalike.metainfo.xml
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RESOURCES="$ROOT/resources"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
BIN_DIR="$HOME/.local/bin"
LIB_DIR="$HOME/.local/lib/lookalike"
DESKTOP="$DATA_HOME/applications/lookalike.desktop"
METAINFO="$DATA_HOME/metainfo/io.github.lookalike.Lookalike.metainfo.xml"
ICON_DIR="$DATA_HOME/icons/hicolor"
SIZES=(16 24 32 48 64 128 256 512)

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
    echo "install-linux.sh: $*" >&2
    exit 1
}

# Tell the desktop about new or removed entries and icons; all optional, hence "|| true".
refresh_caches() {
    if command -v update-desktop-database >/dev/null && [[ -d "$DATA_HOME/applications" ]]; then
        update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null && [[ -d "$ICON_DIR" ]]; then
        gtk-update-icon-cache -q -t -f "$ICON_DIR" 2>/dev/null || true
    fi
}

# True if ~/.local/bin/lookalike is the link this script made: it points at the program our
# installed menu entry runs. A pipx or pip --user install may own that name otherwise.
link_is_ours() {
    [[ -L "$BIN_DIR/lookalike" && -f "$DESKTOP" ]] || return 1
    local target
    target="$(sed -n 's/^TryExec=//p' "$DESKTOP" | sed 's/\\\\/\\/g')"
    [[ -n "$target" && "$(readlink "$BIN_DIR/lookalike")" == "$target" ]]
}

uninstall() {
    if link_is_ours; then
        rm -f "$BIN_DIR/lookalike"
    fi
    rm -f "$DESKTOP" "$METAINFO"
    for size in "${SIZES[@]}"; do
        rm -f "$ICON_DIR/${size}x${size}/apps/lookalike.png"
    done
    rm -f "$ICON_DIR/scalable/apps/lookalike.svg"
    rm -rf "$LIB_DIR"
    refresh_caches
    echo "Lookalike removed from the application menu."
}

# An Exec= argument per the desktop entry spec: plain if it is plain, else in double quotes
# with " ` $ \ escaped by a backslash, then every backslash doubled (the string-value escape);
# a literal % is written %%.
desktop_quote() {
    local s="$1"
    s="${s//%/%%}"
    if [[ "$s" =~ ^[A-Za-z0-9/._+%-]+$ ]]; then
        printf '%s' "$s"
        return
    fi
    s="${s//\\/\\\\\\\\}"
    s="${s//\"/\\\\\"}"
    s="${s//\`/\\\\\`}"
    s="${s//\$/\\\\\$}"
    printf '"%s"' "$s"
}

install_entry() {
    local exe="$1"
    [[ -x "$exe" ]] || die "not an executable: $exe"
    mkdir -p "$BIN_DIR" "$(dirname "$DESKTOP")" "$(dirname "$METAINFO")"
    # Link the program into ~/.local/bin unless something else owns that name (it may be the
    # very program: pipx and pip --user install there).
    if [[ ! -e "$BIN_DIR/lookalike" && ! -L "$BIN_DIR/lookalike" ]] || link_is_ours; then
        ln -sfn "$exe" "$BIN_DIR/lookalike"
    fi

    # Point Exec at the absolute path: ~/.local/bin is often not on the desktop session's PATH.
    local quoted
    quoted="$(desktop_quote "$exe")"
    local line
    while IFS= read -r line; do
        case "$line" in
            "Exec=lookalike "*) line="Exec=${quoted} ${line#Exec=lookalike }" ;;
            "TryExec=lookalike") line="TryExec=${exe//\\/\\\\}" ;;
        esac
        printf '%s\n' "$line"
    done <"$RESOURCES/lookalike.desktop" >"$DESKTOP"
    chmod 644 "$DESKTOP"
    install -m 644 "$RESOURCES/io.github.lookalike.Lookalike.metainfo.xml" "$METAINFO"
    for size in "${SIZES[@]}"; do
        install -D -m 644 "$RESOURCES/icons/hicolor/${size}x${size}/apps/lookalike.png" \
            "$ICON_DIR/${size}x${size}/apps/lookalike.png"
    done
    install -D -m 644 "$RESOURCES/icons/lookalike.svg" "$ICON_DIR/scalable/apps/lookalike.svg"
    refresh_caches
    echo "Lookalike is in your application menu (runs $exe)."
    case ":$PATH:" in
        *":$BIN_DIR:"*) ;;
        *) echo "To start it from a terminal too, add $BIN_DIR to your PATH." ;;
    esac
}

mode=auto
source_path=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --bundle) mode=bundle; source_path="${2:?--bundle needs a folder}"; shift 2 ;;
        --command) mode=command; source_path="${2:?--command needs a path}"; shift 2 ;;
        --uninstall) mode=uninstall; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done

if [[ "$mode" == auto ]]; then
    if [[ -x "$ROOT/dist/lookalike/lookalike" ]]; then
        mode=bundle
        source_path="$ROOT/dist/lookalike"
    elif [[ -x "$ROOT/.venv/bin/lookalike" ]]; then
        mode=command
        source_path="$ROOT/.venv/bin/lookalike"
    elif command -v lookalike >/dev/null; then
        mode=command
        source_path="$(command -v lookalike)"
    else
        die "nothing to install: run packaging/build.sh or pip install first (see --help)"
    fi
fi

case "$mode" in
    uninstall) uninstall ;;
    bundle)
        [[ -x "$source_path/lookalike" ]] || die "no lookalike executable in $source_path"
        source_path="$(cd "$source_path" && pwd)"
        if [[ "$source_path" != "$LIB_DIR" ]]; then
            rm -rf "$LIB_DIR"
            mkdir -p "$(dirname "$LIB_DIR")"
            cp -a "$source_path" "$LIB_DIR"
        fi
        install_entry "$LIB_DIR/lookalike"
        ;;
    command)
        # Resolve to an absolute path without following the venv's python symlinks.
        [[ "$source_path" == /* ]] || source_path="$(pwd)/$source_path"
        install_entry "$source_path"
        ;;
esac
