"""Finding rows of the results model the way any view does: through its rows and roles."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QAbstractItemModel, QModelIndex

from lookalike.core.model import Group, Member
from lookalike.gui.results_model import GroupRole, MemberRole


def member_indexes(model: QAbstractItemModel) -> Iterator[tuple[QModelIndex, Member]]:
    """Every member row with its Member, in display order."""
    for row in range(model.rowCount()):
        group_index = model.index(row, 0)
        for member_row in range(model.rowCount(group_index)):
            index = model.index(member_row, 0, group_index)
            member = index.data(MemberRole)
            assert isinstance(member, Member)
            yield index, member


def indexes_of_path(model: QAbstractItemModel, path: str) -> list[QModelIndex]:
    return [index for index, member in member_indexes(model) if member.path == path]


def row_of_group(model: QAbstractItemModel, group_id: int) -> int:
    rows = [r for r in range(model.rowCount()) if _group(model, r).id == group_id]
    assert len(rows) == 1
    return rows[0]


def _group(model: QAbstractItemModel, row: int) -> Group:
    group = model.index(row, 0).data(GroupRole)
    assert isinstance(group, Group)
    return group
