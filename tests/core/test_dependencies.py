"""A missing package or system library ends in one plain sentence and exit code 2."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lookalike.dependencies import missing_dependency_message

ROOT = Path(__file__).resolve().parents[2]


def _run_main_without(module: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``lookalike.__main__.main`` in a fresh interpreter where importing ``module`` fails
    the way it does when the package is not installed."""
    code = textwrap.dedent(
        f"""
        import sys

        class Uninstalled:
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] == {module!r}:
                    raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
                return None

        sys.meta_path.insert(0, Uninstalled())
        sys.argv = ["lookalike", *{argv!r}]
        from lookalike.__main__ import main
        sys.exit(main())
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("module", "argv", "distribution"),
    [
        ("cv2", ["--self-test"], "opencv-python-headless"),
        ("numpy", ["--self-test"], "numpy"),
        ("PySide6", [], "PySide6-Essentials"),
    ],
    ids=["cv2-cli", "numpy-cli", "pyside6-gui"],
)
def test_missing_package_prints_how_to_install_it(
    module: str, argv: list[str], distribution: str
) -> None:
    done = _run_main_without(module, argv)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"Lookalike needs the Python package {distribution}: " in done.stderr
    assert f"-m pip install {distribution}" in done.stderr


@pytest.mark.parametrize(
    ("name", "distribution"),
    [("PySide6.QtWidgets", "PySide6-Essentials"), ("cv2", "opencv-python-headless")],
)
def test_message_names_the_distribution(name: str, distribution: str) -> None:
    exc = ModuleNotFoundError(f"No module named {name!r}", name=name)
    message = missing_dependency_message(exc)
    assert message is not None
    assert message.startswith(f"Lookalike needs the Python package {distribution}: ")


def test_missing_system_library_names_the_debian_package() -> None:
    exc = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    message = missing_dependency_message(exc)
    assert message is not None
    assert "libEGL.so.1" in message
    assert "sudo apt-get install libegl1" in message


@pytest.mark.parametrize(
    "exc",
    [
        ModuleNotFoundError("No module named 'app.nothing'", name="lookalike.nothing"),
        ImportError("cannot import name 'thing' from 'lookalike.core.model'"),
    ],
)
def test_our_own_import_errors_are_bugs_not_missing_dependencies(exc: ImportError) -> None:
    assert missing_dependency_message(exc) is None
