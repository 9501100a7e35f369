"""The README's first screen: title, one sentence, the clone step and the two commands that
CI runs too, then where the settings, cache, journal and log really are."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks() -> list[str]:
    return README.split("\n\n")


def test_readme_opens_with_title_sentence_and_the_two_commands() -> None:
    title, sentence, commands = _blocks()[:3]
    assert title == "# Lookalike"
    assert sentence.endswith(".")
    assert ". " not in sentence.replace("\n", " ")  # one sentence
    lines = [line.strip() for line in commands.splitlines()]
    assert lines[0].startswith("git clone ")
    assert lines[0].endswith("&& cd lookalike")
    assert lines[1] == "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/lookalike"
    assert lines[2].startswith('python3 -m venv .venv && .venv/bin/pip install -e ".[test]"')


def test_readme_test_command_is_what_ci_runs() -> None:
    readme_test = _blocks()[2].splitlines()[2].strip().split(" && ")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    install, run = readme_test[1], readme_test[2]
    assert run == ".venv/bin/python -m pytest"
    assert run in ci
    # CI installs the same extra into the same venv (through `python -m pip`).
    assert install == '.venv/bin/pip install -e ".[test]"'
    assert '.venv/bin/python -m pip install --quiet -e ".[test]"' in ci


def test_readme_says_where_files_really_are(isolated_home: Path) -> None:
    # A fresh interpreter with only HOME set: the real defaults, as a user gets them.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("XDG_") and k not in {"HOME", "QT_QPA_PLATFORM"}
    }
    env |= {"HOME": str(isolated_home), "QT_QPA_PLATFORM": "offscreen"}
    probe = (
        "from PySide6.QtCore import QCoreApplication\n"
        "from lookalike.core import paths\n"
        "from lookalike.core.cleanup.journal import Journal\n"
        "from lookalike.core.not_duplicates import NotDuplicates\n"
        "from lookalike.gui.application import configure_logging\n"
        "from lookalike.gui.settings import open_qsettings\n"
        "app = QCoreApplication([])\n"
        "print(open_qsettings().fileName())\n"
        "print(paths.default_cache_path())\n"
        "print(Journal().path)\n"
        "print(NotDuplicates().path)\n"
        "print(configure_logging())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    real = ["~/" + str(Path(line).relative_to(isolated_home)) for line in done.stdout.split()]
    section = README[README.index("## Where Lookalike keeps things") :].split("\n## ")[0]
    listed = re.findall(r"^\| [^|]+ \| `([^`]+)` \|$", section, re.MULTILINE)
    assert listed == real
