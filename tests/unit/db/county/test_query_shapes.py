"""The county's statements keep a shape whose cost does not grow with the county.

PostgreSQL cannot turn `x NOT IN (SELECT …)` into an anti-join (a NULL in the list would
change its meaning); when the list passes its work memory — a county's households, a
station's postings, a big file's entries — it scans the list again for every row. A full-size
merge spent a third of its time so (tests/bench/README.md). The county's SQL says
`NOT EXISTS (SELECT 1 … WHERE key = x)` instead: one index lookup a row, on both engines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import db.county

NOT_IN_SUBQUERY = re.compile(r"\bNOT\s+IN\s*\(\s*SELECT\b", re.IGNORECASE)


def sql_texts(path: Path) -> list[tuple[int, str]]:
    """Every string literal of `path` (adjacent literals are one, as Python joins them),
    and the literal parts of its f-strings, with their line."""
    texts = []
    nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    parts_of_fstrings = {id(p) for n in nodes if isinstance(n, ast.JoinedStr) for p in n.values}
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in parts_of_fstrings:
                texts.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            parts = [p.value if isinstance(p, ast.Constant) else " ? " for p in node.values]
            texts.append((node.lineno, "".join(map(str, parts))))
    return texts


def test_no_county_statement_says_not_in_a_subquery():
    folder = Path(db.county.__file__).parent
    found = [
        f"{path.name}:{line}"
        for path in sorted(folder.glob("*.py"))
        for line, text in sql_texts(path)
        if NOT_IN_SUBQUERY.search(text)
    ]
    assert found == []


def test_the_check_finds_the_shape_however_the_literal_is_split(tmp_path):
    source = tmp_path / "shapes.py"
    source.write_text(
        'A = ("SELECT x FROM t WHERE x NOT IN "\n     "(SELECT number FROM household)")\n'
        'B = f"SELECT x FROM {name} WHERE y not in ( select id FROM u)"\n'
        'C = "SELECT x FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.id = t.x)"\n'
        "D = \"SELECT x FROM t WHERE kind NOT IN ('a', 'b')\"\n",
        encoding="utf-8",
    )
    hits = [line for line, text in sql_texts(source) if NOT_IN_SUBQUERY.search(text)]
    assert hits == [1, 3]
