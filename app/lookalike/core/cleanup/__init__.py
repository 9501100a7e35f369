"""Cleanup: acting safely on the duplicates a scan found, and undoing it.

One module per job: ``plan`` (the rules), ``checks`` (the last-moment checks), ``actions`` (trash,
move, hard link, restore), ``runner`` (the one batch loop, yielding events), ``journal`` (the
before/after record undo reads), ``freedesktop`` (the Linux trash) and ``events`` (outcomes and
progress). ``docs/ARCHITECTURE.md`` says where a new action goes.
"""
