"""Cleanup: acting safely on the duplicates a scan found, and undoing it.

One module per job: ``plan`` (the rules), ``checks`` (the last-moment checks), ``actions`` (trash,
move, hard link, restore), ``runner`` (the one batch loop, yielding events), ``journal`` (the
before/after record undo reads), ``freedesktop`` (the Linux trash) and ``events`` (outcomes and
progress). A new action is one class in ``actions`` (its check, act, undo and wording), its
``ActionKind`` and its line in ``actions.file_action``; the runner, the journal and undo need no
change.
"""
