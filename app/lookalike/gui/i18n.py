"""The window's language: Qt's own translations and Lookalike's catalogue for a locale, and the
wording of ``core.words`` routed through that catalogue and ``QLocale``.

Making a catalogue (``python -m lookalike.gui.i18n de`` runs Qt's ``pyside6-lupdate`` over the
window's code and ``core/words.py``; see ``share/translations/README.md``)::

    python -m lookalike.gui.i18n de       # writes share/translations/lookalike_de.ts
    pyside6-linguist app/lookalike/share/translations/lookalike_de.ts
    pyside6-lrelease app/lookalike/share/translations/lookalike_de.ts   # the .qm the app loads
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QLibraryInfo,
    QLocale,
    QTime,
    QTranslator,
)

from lookalike.core import words

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Package data (pyproject's share/**), so the wheel and the frozen app carry the .qm files.
TRANSLATIONS_DIR = PACKAGE_DIR / "share" / "translations"
CATALOGUE = "lookalike"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` of a table written before any translator exists for lupdate, under
    ``context``; the code translates it where it shows it (Qt's macro, typed: PySide6's own
    returns ``object``)."""
    return text


class Translations:
    """The translators installed for one locale; ``remove`` puts English and Python's number
    formatting back (a test that switched the language, or a change of language)."""

    def __init__(self, app: QCoreApplication, locale: QLocale, folder: Path) -> None:
        self._app = app
        self.locale = locale
        self._previous = QLocale()
        QLocale.setDefault(locale)
        self.installed: list[QTranslator] = []
        qt_own = QTranslator(app)
        # Qt's words for its dialogs' buttons and context menus ("Cancel", "Copy").
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load(locale, "qtbase", "_", qt_dir):
            self._install(qt_own)
        ours = QTranslator(app)
        found = ours.load(locale, CATALOGUE, "_", str(folder))
        if found:
            self._install(ours)
        # The catalogue itself, not QCoreApplication.translate: it answers "" for a phrase it
        # lacks, so words falls back to English with its own plural rule.
        lookup = ours.translate if found else None
        if locale.language() == QLocale.Language.C:
            # No locale at all (LANG=C): the CLI's English formatting, not C's ungrouped "1234".
            words.use_locale(lookup)
        else:
            words.use_locale(
                lookup, integer=self._integer, decimal=self._decimal, date_time=self._date_time
            )

    def _install(self, translator: QTranslator) -> None:
        self._app.installTranslator(translator)
        self.installed.append(translator)

    def _integer(self, n: int) -> str:
        return self.locale.toString(n)

    def _decimal(self, value: float, places: int) -> str:
        return self.locale.toString(float(value), "f", places)

    def _date_time(self, when: datetime, seconds: bool) -> str:
        moment = QDateTime(
            QDate(when.year, when.month, when.day), QTime(when.hour, when.minute, when.second)
        )
        fmt = self.locale.dateTimeFormat(QLocale.FormatType.ShortFormat)
        if seconds:
            # Qt's long format adds the time zone's name; the short one with seconds says only
            # that the time changed. Every locale's short time spells minutes "mm".
            fmt = fmt.replace("mm", "mm:ss", 1)
        return self.locale.toString(moment, fmt)

    def remove(self) -> None:
        for translator in self.installed:
            self._app.removeTranslator(translator)
        self.installed.clear()
        words.use_locale()
        QLocale.setDefault(self._previous)


def install_translations(
    app: QCoreApplication, locale: QLocale | None = None, folder: Path = TRANSLATIONS_DIR
) -> Translations:
    """Load Qt's and Lookalike's translations for ``locale`` (the system's by default) from
    ``folder`` and install them in ``app``; numbers, sizes and dates follow the locale."""
    return Translations(app, locale if locale is not None else QLocale.system(), folder)


def source_files() -> list[Path]:
    """The files whose user-visible strings the catalogue holds."""
    return [*sorted((PACKAGE_DIR / "gui").glob("*.py")), PACKAGE_DIR / "core" / "words.py"]


def update_catalogue(language: str, folder: Path = TRANSLATIONS_DIR) -> Path:
    """Write or refresh ``lookalike_<language>.ts`` in ``folder`` with Qt's lupdate (a
    translation already made is kept; a phrase no longer in the code is marked obsolete)."""
    beside = Path(sys.executable).parent / "pyside6-lupdate"  # the venv's, when not activated
    lupdate = str(beside) if beside.exists() else shutil.which("pyside6-lupdate") or "lupdate"
    folder.mkdir(parents=True, exist_ok=True)
    ts = folder / f"{CATALOGUE}_{language}.ts"
    subprocess.run(
        [lupdate, *map(str, source_files()), "-target-language", language, "-ts", str(ts)],
        check=True,
    )
    return ts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lookalike.gui.i18n",
        description="Extract the window's and core.words' phrases into a Qt .ts catalogue.",
    )
    parser.add_argument("language", help="the catalogue's language, e.g. de or pt_BR")
    parser.add_argument("--into", type=Path, default=TRANSLATIONS_DIR, help="the folder")
    args = parser.parse_args(argv)
    update_catalogue(args.language, args.into)
    return 0


if __name__ == "__main__":
    sys.exit(main())
