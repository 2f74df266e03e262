"""A4 documents: text that stays text, a header on every page, small files, whole or nothing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from catalog.messages import Refused
from pos.paper.a4 import Column, Document


def text_of(pdf: Path) -> list[str]:
    """Each page's text, as pdftotext reads it."""
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is needed to read documents: apt-get install poppler-utils")
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, check=True)
    return out.stdout.decode().split("\f")[:-1]


def posting(rows: int) -> Document:
    document = Document("积分公示")
    document.heading("下坝村 2026年11月 积分公示")
    document.line("如有异议，请在公示期内向村委会反映。" * 6)  # wraps at the margin
    document.table(
        [Column("户号", 1.2), Column("户主"), Column("事项", 2.5), Column("积分", 0.7, "R")],
        [(f"10120100{n:02d}", f"农户{n}", "村庄保洁 ×2", 20 + n) for n in range(rows)],
    )
    document.signatures(["村委会（盖章）：", "工作队："])
    document.footer("下坝村积分公示")
    return document


def test_every_row_is_text_and_the_header_repeats_on_each_page(tmp_path):
    pages = text_of(posting(60).save(tmp_path / "list.pdf"))
    assert len(pages) == 2
    assert all("户号" in page and "积分" in page for page in pages)
    assert all(f"农户{n}" in "".join(pages) for n in range(60))
    assert "1/2" in pages[0] and "2/2" in pages[1] and "工作队" in pages[1]


def test_only_the_glyphs_used_are_embedded(tmp_path):
    # the whole Noto CJK collection is some 20 MB: a subset of a few dozen glyphs is not
    assert (posting(60).save(tmp_path / "list.pdf")).stat().st_size < 100_000


def test_a_folder_that_cannot_be_made_leaves_nothing(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    with pytest.raises(Refused):
        posting(3).save(blocker / "list.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
