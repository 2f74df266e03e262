"""The arrows of the layout hold (catalog <- db <- pos; store <- books <- exchange <- county;
demo on top), read from every file's imports with `ast`, each file parsed once; and db/ and
catalog/ never load the UI, checked in a clean interpreter (docs/design.md §11)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("catalog", "db", "pos")
MODELS = ("db.store.models", "db.store.county_models")


@dataclass(frozen=True)
class Rule:
    """Files under one of `under` (minus `except_under`) import nothing under `forbidden`."""

    name: str
    under: tuple[str, ...]
    forbidden: tuple[str, ...]
    why: str
    except_under: tuple[str, ...] = ()

    def covers(self, path: str) -> bool:
        return _within(path, self.under) and not _within(path, self.except_under)


RULES = (
    Rule("catalog-alone", ("catalog/",), ("db", "pos"), "catalog is the bottom layer"),
    Rule("db-headless", ("db/",), ("pos", "textual", "rich"), "db never touches the UI"),
    Rule(
        "pos-no-models",
        ("pos/",),
        (*MODELS, "peewee", "playhouse"),
        "screens, widgets, commands and paper call services and get plain values back",
    ),
    Rule(
        "demo-on-top",
        ("catalog/", "db/", "pos/"),
        ("db.demo",),
        "only `aixin demo` builds a demo; the production app never imports it",
        except_under=("db/demo/", "pos/cli/demo.py"),
    ),
    Rule(
        "store-below-books",
        ("db/store/",),
        ("db.books", "db.exchange", "db.county", "db.demo"),
        "db.store is the bottom of db",
    ),
    Rule(
        "books-below-exchange",
        ("db/books/",),
        ("db.exchange", "db.county", "db.demo"),
        "the station's books know nothing of files, the county or the demo",
    ),
    Rule(
        "exchange-below-county",
        ("db/exchange/",),
        ("db.county", "db.demo"),
        "files are made and read without the county's office",
    ),
    Rule("county-below-demo", ("db/county/",), ("db.demo",), "the county never needs the demo"),
)


def _within(path: str, places: tuple[str, ...]) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in places)


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def imported(path: str, source: str) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in `source`, anywhere in it, relative ones resolved;
    `from a import b` yields both `a` and `a.b` (b may be a module)."""
    package = path.removesuffix(".py").split("/")[:-1]
    for node in ast.walk(ast.parse(source, path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def offences(path: str, source: str, rules: tuple[Rule, ...] = RULES) -> list[str]:
    """What `source`, as the file at `path` (relative to the root), imports against `rules`:
    one line per import statement and rule broken, naming the file, the line and the module."""
    return broken(path, list(imported(path, source)), rules)


def broken(path: str, names: list[tuple[int, str]], rules: tuple[Rule, ...]) -> list[str]:
    """`offences` of the file at `path` that imports `names` (its `imported`)."""
    found: dict[tuple[int, str], str] = {}
    for rule in (r for r in rules if r.covers(path)):
        for line, name in names:
            if (line, rule.name) not in found and any(_under(name, p) for p in rule.forbidden):
                found[line, rule.name] = f"{path}:{line} imports {name} ({rule.name}: {rule.why})"
    return list(found.values())


def sources() -> list[tuple[str, str]]:
    return [
        (path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    ]


@pytest.fixture(scope="module")
def tree() -> list[tuple[str, str]]:
    return sources()


@pytest.fixture(scope="module")
def parsed(tree) -> list[tuple[str, list[tuple[int, str]]]]:
    """Every file's imports, each file parsed once for all the rules."""
    return [(path, list(imported(path, source))) for path, source in tree]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_imports_keep_the_layout(parsed, rule):
    found = [o for path, names in parsed for o in broken(path, names, (rule,))]
    assert not found, "\n".join(found)


def test_every_rule_looks_at_some_file(tree):
    for rule in RULES:
        assert any(rule.covers(path) for path, _source in tree), rule.name


@pytest.mark.parametrize(
    ("path", "source", "rule", "name"),
    [
        (
            "pos/screens/x.py",
            "from db.store.models import Household",
            "pos-no-models",
            "db.store.models",
        ),
        ("pos/widgets/x.py", "import peewee", "pos-no-models", "peewee"),
        (
            "pos/app.py",
            "from playhouse.migrate import migrate",
            "pos-no-models",
            "playhouse.migrate",
        ),
        (
            "pos/paper/x.py",
            "from db.store import county_models",
            "pos-no-models",
            "db.store.county_models",
        ),
        (
            "pos/cli/x.py",
            "def f():\n    from db.store.models import Card",
            "pos-no-models",
            "db.store.models",
        ),
        (
            "pos/app.py",
            "from db.demo.station import sample_household",
            "demo-on-top",
            "db.demo.station",
        ),
        ("catalog/x.py", "from db.books import ledger", "catalog-alone", "db.books"),
        ("db/books/x.py", "import textual.app", "db-headless", "textual.app"),
        ("db/books/x.py", "from db.exchange import sealed", "books-below-exchange", "db.exchange"),
        ("db/books/x.py", "from ..exchange import sealed", "books-below-exchange", "db.exchange"),
        ("db/store/x.py", "from db import books", "store-below-books", "db.books"),
        ("db/exchange/x.py", "import db.county.merge", "exchange-below-county", "db.county.merge"),
        ("db/county/x.py", "from db.demo import names", "county-below-demo", "db.demo"),
    ],
)
def test_the_checker_names_the_file_and_the_import(path, source, rule, name):
    found = offences(path, source)
    assert found, source
    assert all(o.startswith(f"{path}:") for o in found), found
    assert any(f" imports {name} ({rule}: " in o for o in found), found


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("pos/cli/demo.py", "from db.demo import station"),
        ("db/demo/county.py", "from db.county import office\nfrom db.demo import names"),
        ("pos/screens/x.py", "from db.books.views import HouseholdView\nimport textual"),
        ("db/county/x.py", "from db.books import ledger\nfrom db.exchange import sealed"),
    ],
)
def test_the_checker_lets_allowed_imports_be(path, source):
    assert offences(path, source) == []


def headless_modules() -> list[str]:
    names = []
    for package in ("db", "catalog"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_headless_modules_load_no_ui():
    """Every module of db/ and catalog/ imported, one after another, in one clean interpreter:
    the UI modules that appear on each import are pinned on the module that brought them."""
    code = (
        "import importlib, json, sys\n"
        "ui = lambda: {m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'pos')}\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    before = ui()\n"
        "    importlib.import_module(name)\n"
        "    if ui() - before:\n"
        "        found[name] = sorted(ui() - before)\n"
        "print(json.dumps(found))\n"
    )
    modules = headless_modules()
    result = subprocess.run(
        [sys.executable, "-c", code, *modules], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {}
    assert len(modules) > 50  # every module was looked at, not none
