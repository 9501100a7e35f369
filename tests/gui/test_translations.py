"""Item 19: the interface can be translated. The real pipeline end to end: Qt's lupdate extracts
the window's and core.words' phrases into a .ts (``python -m lookalike.gui.i18n``), a few get a
German translation here, lrelease compiles it, and the real window shows them, with German
plural forms, Qt's own German buttons and numbers, sizes and dates in the German format."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from lookalike.core import words
from lookalike.core.model import ScanMode
from lookalike.gui.i18n import Translations, install_translations
from lookalike.gui.results_table import Column
from lookalike.gui.shortcuts import ShortcutsDialog
from tests import images
from tests.gui.scanned_window import open_window, scan

ROOT = Path(__file__).resolve().parents[2]
LRELEASE = Path(sys.executable).parent / "pyside6-lrelease"

# (context, source, its disambiguation) -> the German text, or its forms for a count.
GERMAN: dict[tuple[str, str, str | None], str | list[str]] = {
    ("Actions", "&File", None): "&Datei",
    ("Actions", "&Help", None): "&Hilfe",
    ("Words", "{n} files", "{n} file"): ["{n} Datei", "{n} Dateien"],
    ("Words", "{n} groups", "{n} group"): ["{n} Gruppe", "{n} Gruppen"],
    ("Words", "{n} selected · {size}", "{n} selected · {size}"): [
        "{n} ausgewählt · {size}",
        "{n} ausgewählt · {size}",
    ],
    ("Words", "{size} reclaimable", None): "{size} freizugeben",
    ("Words", "{value} KB", None): "{value} kB",
    ("MainWindow", "Scanned {files} in {duration} · {groups} · {reclaimable}", None): (
        "{files} durchsucht in {duration} · {groups} · {reclaimable}"
    ),
    ("ResultsTableModel", "Date taken", None): "Aufnahmedatum",
}


def _extract(folder: Path) -> Path:
    """The documented command, as a translator runs it."""
    subprocess.run(
        [sys.executable, "-m", "lookalike.gui.i18n", "de", "--into", str(folder)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return folder / "lookalike_de.ts"


def _translate(ts: Path) -> None:
    """Fill in ``GERMAN``; every one of its messages must have been extracted."""
    tree = ET.parse(ts)
    found = set()
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            key = (name, message.findtext("source"), message.findtext("comment"))
            text = GERMAN.get(key)  # type: ignore[arg-type]
            if text is None:
                continue
            found.add(key)
            translation = message.find("translation")
            assert translation is not None
            translation.attrib.pop("type", None)
            if isinstance(text, list):
                assert message.get("numerus") == "yes", key  # lupdate saw the count
                forms = translation.findall("numerusform")
                assert len(forms) == 2  # German: one and other
                for form, value in zip(forms, text, strict=True):
                    form.text = value
            else:
                translation.text = text
    assert found == set(GERMAN)
    tree.write(ts, encoding="utf-8", xml_declaration=True)


@pytest.fixture
def german(tmp_path: Path) -> Iterator[Translations]:
    if not LRELEASE.exists():
        pytest.skip("this PySide6 ships no pyside6-lrelease")
    folder = tmp_path / "translations"
    ts = _extract(folder)
    _translate(ts)
    subprocess.run([str(LRELEASE), str(ts)], check=True, capture_output=True, timeout=120)
    assert (folder / "lookalike_de.qm").is_file()
    app = QCoreApplication.instance()
    assert app is not None
    translations = install_translations(app, QLocale("de_DE"), folder)
    yield translations
    translations.remove()


def test_lupdate_extracts_every_kind_of_phrase(tmp_path: Path) -> None:
    """What the catalogue holds: menu titles marked in the action table, the widgets'
    self.tr texts, and core.words' phrases with a count as Qt plurals (numerus) whose
    disambiguation is the English singular."""
    ts = ET.parse(_extract(tmp_path))
    messages = {
        (c.findtext("name"), m.findtext("source")): m
        for c in ts.getroot().iter("context")
        for m in c.iter("message")
    }
    assert ("Actions", "&Edit") in messages
    assert ("Actions", "Quit {app}") in messages
    assert ("OptionsPanel", "Include &subfolders") in messages
    assert ("PreviewPane", "Camera") in messages
    plural = messages[("Words", "{n} files could not be read")]
    assert plural.get("numerus") == "yes"
    assert plural.findtext("comment") == "{n} file could not be read"
    assert messages[("Words", "with {n} sidecar files")].get("numerus") == "yes"
    assert messages[("Words", "Move to Trash")].get("numerus") is None
    numerus = sum(m.get("numerus") == "yes" for m in messages.values())
    assert numerus >= 50  # every counted phrase of core.words


def test_the_window_speaks_german(qtbot: QtBot, tmp_path: Path, german: Translations) -> None:
    folder = tmp_path / "photos"
    original = images.save(folder / "a.jpg", images.photo(7, 320, 240), quality=92)
    for name in ("b.jpg", "c.jpg"):
        shutil.copy2(original, folder / name)
    # A known local time for the "Date taken" column (no EXIF date: the file's own).
    taken = datetime(2021, 6, 1, 12, 34).timestamp()
    for path in folder.iterdir():
        os.utime(path, (taken, taken))
    window = open_window(qtbot, folder, mode=ScanMode.EXACT)

    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[0] == "&Datei"
    assert titles[-1] == "&Hilfe"
    assert "&View" in titles  # untranslated phrases stay English

    scan(qtbot, window)
    size = original.stat().st_size
    assert size > 1000
    # German decimal comma and unit, written out here rather than by words.size.
    reclaimable = f"{2 * size / 1000:.1f}".replace(".", ",") + " kB"
    message = window.statusBar().currentMessage()
    assert message.startswith("3 Dateien durchsucht in ")  # the plural form of "{n} Datei"
    assert message.endswith(f" · 1 Gruppe · {reclaimable} freizugeben")  # and its singular

    window.action("select_duplicates").trigger()
    assert window.selection_label.text() == f"2 ausgewählt · {reclaimable}"

    window.action("view_table").trigger()
    model = window.results_view.table_model
    assert model.headerData(Column.TAKEN, Qt.Orientation.Horizontal) == "Aufnahmedatum"
    shown = model.data(model.index(0, Column.TAKEN))
    assert shown == "01.06.21 12:34"  # QLocale's short German date and time

    # Qt's own translations (qtbase_de) for the standard buttons of the window's dialogs.
    window.action("shortcuts").trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    close = buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close.text().replace("&", "") == "Schließen"
    dialog.close()
    window.close()


def test_words_follow_the_catalogue_and_go_back_to_english(german: Translations) -> None:
    """The hook core.words exposes: plural forms by the catalogue's rule, QLocale numbers;
    and after ``remove`` the CLI's English and Python formatting again."""
    assert words.files(1) == "1 Datei"
    assert words.files(1234) == "1.234 Dateien"
    assert words.size(12_345) == "12,3 kB"
    assert words.move_to_trash(0) == "Move to Trash"  # not in this catalogue: English
    german.remove()
    assert words.files(1) == "1 file"
    assert words.files(1234) == "1,234 files"
    assert words.size(12_345) == "12.3 KB"
    assert words.timestamp(int(datetime(2021, 6, 1, 12, 34).timestamp() * 1e9)) == (
        "2021-06-01 12:34"
    )
