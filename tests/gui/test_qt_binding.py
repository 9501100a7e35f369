"""The installed Qt binding does not corrupt the interpreter: PySide6 6.12.0 dropped a reference
to ``True`` on every Python-side ``Signal.emit()``, and on Python 3.11 (where bools are not
immortal) the process aborted with "bool_dealloc" after a few thousand emits, e.g. when
"Select duplicates" touched 10,000 groups. pyproject.toml excludes that release."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    bare = Signal()
    pair = Signal(int, int)


def test_signal_emit_keeps_reference_counts(qapp) -> None:
    emitter = _Emitter()
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(200):
        emitter.bare.emit()
        emitter.pair.emit(1, 2)
    after = sys.getrefcount(True), sys.getrefcount(False)
    # A few references may come and go with unrelated objects; a leak per emit would be -400.
    assert abs(after[0] - before[0]) < 50, "Signal.emit leaks references to True: see pyproject"
    assert abs(after[1] - before[1]) < 50
