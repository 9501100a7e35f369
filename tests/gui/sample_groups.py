"""Real duplicate groups for the results-grid tests: image files on disk plus the ``Group``
records the engine would report for them."""

from __future__ import annotations

from pathlib import Path

from lookalike.core.model import Group, MatchKind, Member
from tests import images


def member(
    path: Path,
    match: MatchKind,
    score: float = 1.0,
    *,
    width: int = 640,
    height: int = 480,
    is_reference: bool = False,
) -> Member:
    stat = path.stat()
    return Member(
        path=str(path),
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        width=width,
        height=height,
        match=match,
        score=score,
        is_reference=is_reference,
        format=path.suffix.lstrip(".").upper(),
        taken="2021:06:01 12:00:00",
    )


def photo_group(
    root: Path, group_id: int, seed: int, *, copies: int = 2, reference: bool = False
) -> Group:
    """A keeper plus ``copies`` duplicates of one generated photo, in ``root/<seed>/``.

    The first copy is a byte-identical file, the next ones are smaller resized JPEGs; with
    ``reference`` the keeper lives under ``root/reference/``.
    """
    picture = images.photo(seed, 320, 240)
    folder = root / f"set{seed}"
    keeper_dir = root / "reference" if reference else folder
    keeper = images.save(keeper_dir / f"photo{seed}.jpg", picture, quality=95)
    members = [member(keeper, MatchKind.KEEPER, width=320, height=240, is_reference=reference)]
    for n in range(copies):
        path = folder / f"copy{n}.jpg"
        if n == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(keeper.read_bytes())
            members.append(member(path, MatchKind.IDENTICAL, width=320, height=240))
        else:
            small = images.resize(picture, 0.5)
            images.save(path, small, quality=70)
            members.append(
                member(path, MatchKind.SAME_PICTURE, 0.97 - n / 100, width=160, height=120)
            )
    return Group(id=group_id, members=tuple(members))
