"""A media kit's `index.csv`: a name a person typed that a spreadsheet would run as a formula comes out
as text behind an apostrophe (`shared.exports`), Kazakh letters intact, read back with the csv module."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from services.media.operations import kits
from shared.runtime import Runtime

HYPERLINK = '=HYPERLINK("http://evil.example/","Ашу")'


def entry(nomination_id: str, name: str, college: str) -> dict[str, object]:
    return {
        "folder": f"almaty/{nomination_id}",
        "nomination_id": nomination_id,
        "name": name,
        "files": [],
        "statements": {"kk": "Мәтін"},
        "facts": {
            "college": {"code": "col-1", "names": {"kk": college}},
            "region": {"code": "almaty", "names": {}},
            "stage": "winner",
        },
    }


def test_the_index_quotes_formula_like_names(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "kit.zip"
    entries = [
        entry("nom-1", HYPERLINK, "@college"),
        entry("nom-2", "+77011234567", "-x"),
        entry("nom-3", "Әлихан Нұрланұлы", "Алматы колледжі"),
    ]
    kits._write_zip(runtime, "kit-1", path, entries)
    index = zipfile.ZipFile(path).read("index.csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(index, newline="")))
    assert [(row["name"], row["college"]) for row in rows] == [
        ("'" + HYPERLINK, "'@college"),
        ("'+77011234567", "'-x"),
        ("Әлихан Нұрланұлы", "Алматы колледжі"),
    ]
    assert {row["files"] for row in rows} == {"0"}
