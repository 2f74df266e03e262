"""`--tsv` output: what a program reads, and what a spreadsheet opening it would not run."""

from __future__ import annotations

from pos.cli.output import table


def test_tsv_keeps_ordinary_values_and_marks_formula_like_text(capsys):
    rows = [
        ("G001", '=HYPERLINK("http://attacker.example/x","点击查看")', -5, None),
        ("G002", "+86 138", 0, "@SUM(A1)"),
        ("G003", " -1+1", -12, "大米\t（10 公斤）\n袋"),
        ("G004", "大米", 50, "2026-11-23"),
    ]
    table(("code", "name", "points", "note"), ("编码", "名称", "分值", "备注"), rows, tsv=True)
    assert capsys.readouterr().out.splitlines() == [
        "code\tname\tpoints\tnote",
        'G001\t\'=HYPERLINK("http://attacker.example/x","点击查看")\t-5\t',
        "G002\t'+86 138\t0\t'@SUM(A1)",
        "G003\t' -1+1\t-12\t大米 （10 公斤） 袋",
        "G004\t大米\t50\t2026-11-23",
    ]
