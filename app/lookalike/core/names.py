"""File names that are not plain text: shown on one line, and stored without loss.

On Linux a file name is any bytes but "/" and NUL. Python hands the bytes that are not UTF-8 to
us as lone surrogates, U+DC80 to U+DCFF (PEP 383's "surrogateescape"), and the os functions take
them back unchanged, so the engine works on such names like on any other. But a UTF-8 file, a
strict terminal, SQLite's text and Qt's strings cannot carry a lone surrogate (Qt silently drops
it, naming another file), and a name may also hold a line break or a terminal escape. So:

- shown to a person (the CLI's one-line-per-file output, the window's labels), a name that is
  not plain text is quoted, with each line break, control character and undecodable byte
  escaped: ``"new\\nline.jpg"``, ``"b\\xc3(.jpg"`` (the byte 0xC3);
- in a JSON file, an undecodable byte is written as the escape of its surrogate, ``\\udcc3``:
  valid JSON, and ``json.loads`` gives back the same string, which ``os.fsencode`` turns into
  the original bytes. Everything else stays readable UTF-8;
- in a CSV file, the name's own bytes are written (read it back with
  ``errors="surrogateescape"``); the cache stores them as bytes.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

# C0 and C1 controls (line breaks, tabs, terminal escapes), Unicode's own line separators, and
# surrogates (undecodable bytes; any other surrogate is no valid name either).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the byte it stands for
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def quoted(path: str) -> str:
    """A path as a person sees it on one line: unchanged when it is plain text, otherwise in
    double quotes with its line breaks, control characters and undecodable bytes escaped."""
    if not _UNSAFE.search(path):
        return path
    body = path.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _UNSAFE.sub(_escape, body) + '"'


def one_line(text: str) -> str:
    """A message (which may quote a path) made safe for one line: the same escapes, no quotes."""
    return _UNSAFE.sub(_escape, text)


def json_text(data: Any, **options: Any) -> str:
    """``json.dumps`` with UTF-8 kept readable and undecodable bytes as ``\\udcXX`` escapes."""
    text = json.dumps(data, ensure_ascii=False, **options)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def name_problem(path: str) -> str | None:
    """Why ``path`` cannot name a file here (a NUL, a surrogate that stands for no byte), or
    None when it can."""
    if "\0" in path:
        return "it contains a NUL character"
    try:
        os.fsencode(path)
    except UnicodeEncodeError:
        return "it contains characters that no file name can hold"
    return None
