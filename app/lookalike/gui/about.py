"""The About dialog: what Lookalike is, its version, and the licences of what it is built on."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from lookalike import APP_NAME, __version__
from lookalike.dependencies import COMPONENTS, installed_version


def _installed_version(distribution: str) -> str:
    return installed_version(distribution) or QCoreApplication.translate(
        "AboutDialog", "not installed"
    )


def about_html() -> str:
    rows = "".join(
        f"<tr><td><a href='{url}'>{name}</a></td><td>{_installed_version(dist)}</td>"
        f"<td>{licence}</td></tr>"
        for dist, name, licence, url in COMPONENTS
    )
    return (
        f"<h2>{APP_NAME} {__version__}</h2>"
        "<p>"
        + QCoreApplication.translate(
            "AboutDialog",
            "Finds duplicate and near-duplicate photos and moves the copies you do not need "
            "to the Trash, safely.",
        )
        + "</p><p>"
        + QCoreApplication.translate(
            "AboutDialog",
            "Licensed under the GNU General Public License, version 3 or later "
            "(GPL-3.0-or-later). It comes with ABSOLUTELY NO WARRANTY.",
        )
        + "</p><p><b>"
        + QCoreApplication.translate("AboutDialog", "Built with")
        + "</b></p>"
        "<table cellspacing='0' cellpadding='3'>"
        "<tr><th align='left'>"
        + QCoreApplication.translate("AboutDialog", "Component")
        + "</th><th align='left'>"
        + QCoreApplication.translate("AboutDialog", "Version")
        + "</th><th align='left'>"
        + QCoreApplication.translate("AboutDialog", "Licence")
        + "</th></tr>"
        f"{rows}"
        f"<tr><td>Qt</td><td>{qVersion()}</td><td>LGPL-3.0</td></tr>"
        f"<tr><td>Python</td><td>{platform.python_version()}</td><td>PSF-2.0</td></tr>"
        "</table>"
        f"<p><small>PySide6 {pyside_version} on {platform.system()} {platform.release()}"
        "</small></p>"
    )


class AboutDialog(QDialog):
    """Version, licence and the third-party components with their licences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About {app}").format(app=APP_NAME))
        icon = QLabel()
        app_icon = QApplication.windowIcon()  # set by run_gui from the package's icons
        if not app_icon.isNull():
            icon.setPixmap(app_icon.pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text = QLabel(about_html())
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setOpenExternalLinks(True)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setAccessibleName(self.tr("About {app}").format(app=APP_NAME))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(icon)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
