"""The user's persistent choices: the only module that touches ``QSettings``.

Each option is declared once, as a typed property with its default. Values are stored as plain
strings (lists as JSON) so the INI files read back the same on every platform: QSettings hands a
one-element list back as a bare string and booleans as ``"true"``, which a typed layer must not
leak to its callers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import QByteArray, QSettings

from lookalike.core.model import Rule, RuleError, ScanMode, Sensitivity, parse_rules, rules_text

log = logging.getLogger(__name__)

ORGANIZATION = "Lookalike"
APPLICATION = "Lookalike"

# Bump when a key changes meaning or name, and teach ``_migrate`` the step.
SETTINGS_VERSION = 1
RECENT_FOLDERS_MAX = 8

_E = TypeVar("_E", ScanMode, Sensitivity)


def open_qsettings() -> QSettings:
    """The application's settings store (INI format in the per-user config folder)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


class Settings:
    """Typed access to the stored options; every getter returns its default when unset or bad."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else open_qsettings()
        self._migrate()

    # --- versioning -----------------------------------------------------------------------

    @property
    def settings_version(self) -> int:
        return self._get_int("settings_version", 0)

    def _migrate(self) -> None:
        """Bring an older store up to ``SETTINGS_VERSION``; an empty store is simply stamped."""
        version = self.settings_version
        if version == SETTINGS_VERSION:
            return
        if version > SETTINGS_VERSION:
            # Written by a newer Lookalike: read what we understand, never rewrite its keys.
            log.warning("settings version %d is newer than %d", version, SETTINGS_VERSION)
            return
        # Version 0 is "nothing stored yet"; later steps go here as `if version < N: ...`.
        self._store.setValue("settings_version", str(SETTINGS_VERSION))

    def sync(self) -> None:
        self._store.sync()

    @property
    def file_name(self) -> str:
        return self._store.fileName()

    # --- folders --------------------------------------------------------------------------

    @property
    def folders(self) -> list[str]:
        return self._get_str_list("folders")

    @folders.setter
    def folders(self, value: Sequence[str]) -> None:
        self._set_str_list("folders", value)

    @property
    def reference_folders(self) -> list[str]:
        return self._get_str_list("reference_folders")

    @reference_folders.setter
    def reference_folders(self, value: Sequence[str]) -> None:
        self._set_str_list("reference_folders", value)

    @property
    def recent_folders(self) -> list[str]:
        return self._get_str_list("recent_folders")[:RECENT_FOLDERS_MAX]

    def add_recent_folder(self, folder: str) -> None:
        """Put ``folder`` first in the recent list (moving it if already there)."""
        recent = [f for f in self.recent_folders if f != folder]
        self._set_str_list("recent_folders", [folder, *recent][:RECENT_FOLDERS_MAX])

    def clear_recent_folders(self) -> None:
        self._set_str_list("recent_folders", [])

    @property
    def last_browse_dir(self) -> str:
        return self._get_str("last_browse_dir", "")

    @last_browse_dir.setter
    def last_browse_dir(self, value: str) -> None:
        self._store.setValue("last_browse_dir", value)

    # --- scan options ---------------------------------------------------------------------

    @property
    def scan_mode(self) -> ScanMode:
        return self._get_enum("scan/mode", ScanMode, ScanMode.SIMILAR)

    @scan_mode.setter
    def scan_mode(self, value: ScanMode) -> None:
        self._store.setValue("scan/mode", value.value)

    @property
    def sensitivity(self) -> Sensitivity:
        return self._get_enum("scan/sensitivity", Sensitivity, Sensitivity.NORMAL)

    @sensitivity.setter
    def sensitivity(self, value: Sensitivity) -> None:
        self._store.setValue("scan/sensitivity", value.value)

    @property
    def include_subfolders(self) -> bool:
        return self._get_bool("scan/include_subfolders", True)

    @include_subfolders.setter
    def include_subfolders(self, value: bool) -> None:
        self._store.setValue("scan/include_subfolders", "true" if value else "false")

    # --- review ---------------------------------------------------------------------------

    @property
    def keeper_rules(self) -> tuple[Rule, ...]:
        """The selection rules that choose each group's keeper; none: Lookalike's own rank."""
        text = self._get_str("review/keeper_rules", "")
        if not text:
            return ()
        try:
            return parse_rules(text)
        except RuleError as exc:
            log.warning("setting review/keeper_rules is not a list of rules (%s); ignoring it", exc)
            return ()

    @keeper_rules.setter
    def keeper_rules(self, value: tuple[Rule, ...]) -> None:
        # Written as the command line's --keep takes them.
        self._store.setValue("review/keeper_rules", rules_text(value))

    @property
    def sort_key(self) -> str:
        """How groups are ordered: a ``SortKey`` value (the model owns the enum)."""
        return self._get_str("review/sort_key", "reclaimable")

    @sort_key.setter
    def sort_key(self, value: str) -> None:
        self._store.setValue("review/sort_key", value)

    @property
    def results_as_table(self) -> bool:
        """Whether the results show as the table (else the grid)."""
        return self._get_bool("review/table", False)

    @results_as_table.setter
    def results_as_table(self, value: bool) -> None:
        self._store.setValue("review/table", "true" if value else "false")

    @property
    def duplicates_only(self) -> bool:
        """Whether the table hides the keepers."""
        return self._get_bool("review/duplicates_only", False)

    @duplicates_only.setter
    def duplicates_only(self, value: bool) -> None:
        self._store.setValue("review/duplicates_only", "true" if value else "false")

    @property
    def theme(self) -> str:
        """The look: a ``Theme`` value, "system" by default (the theme module owns the enum)."""
        return self._get_str("window/theme", "system")

    @theme.setter
    def theme(self, value: str) -> None:
        self._store.setValue("window/theme", value)

    @property
    def table_header_state(self) -> QByteArray:
        """The table's column widths and order."""
        return self._get_bytes("window/table_header")

    @table_header_state.setter
    def table_header_state(self, value: QByteArray) -> None:
        self._store.setValue("window/table_header", value)

    # --- window ---------------------------------------------------------------------------

    @property
    def window_geometry(self) -> QByteArray:
        return self._get_bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._store.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray:
        return self._get_bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._store.setValue("window/state", value)

    @property
    def splitter_state(self) -> QByteArray:
        return self._get_bytes("window/splitter")

    @splitter_state.setter
    def splitter_state(self, value: QByteArray) -> None:
        self._store.setValue("window/splitter", value)

    @property
    def results_splitter_state(self) -> QByteArray:
        return self._get_bytes("window/results_splitter")

    @results_splitter_state.setter
    def results_splitter_state(self, value: QByteArray) -> None:
        self._store.setValue("window/results_splitter", value)

    # --- typed readers --------------------------------------------------------------------

    def _get_str(self, key: str, default: str) -> str:
        value = self._store.value(key)
        return value if isinstance(value, str) else default

    def _get_int(self, key: str, default: int) -> int:
        value = self._store.value(key)
        try:
            return int(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    def _get_bool(self, key: str, default: bool) -> bool:
        value = self._store.value(key)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return default

    def _get_enum(self, key: str, kind: type[_E], default: _E) -> _E:
        value = self._store.value(key)
        try:
            return kind(value)
        except ValueError:
            return default

    def _get_str_list(self, key: str) -> list[str]:
        value = self._store.value(key)
        if not isinstance(value, str):
            return []
        try:
            items = json.loads(value)
        except json.JSONDecodeError:
            log.warning("setting %s is not a JSON list; ignoring it", key)
            return []
        if not isinstance(items, list):
            return []
        return [item for item in items if isinstance(item, str)]

    def _set_str_list(self, key: str, value: Sequence[str]) -> None:
        self._store.setValue(key, json.dumps(list(value)))

    def _get_bytes(self, key: str) -> QByteArray:
        value = self._store.value(key)
        return value if isinstance(value, QByteArray) else QByteArray()
