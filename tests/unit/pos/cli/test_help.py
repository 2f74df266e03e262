"""Every command has help, and it is shown in the operator's language (pos/cli/helptext.py)."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from pos.cli import main
from pos.cli.helptext import Command, Group, paragraphs

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def tree(command: click.Command = main, path: tuple[str, ...] = ()):
    """(path, command) for `aixin` and every command and group under it."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from tree(sub, (*path, name))


COMMANDS = list(tree())


def named(path: tuple[str, ...]) -> str:
    return " ".join(("aixin", *path))


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


def test_every_command_and_option_has_help():
    """sqlite-utils' test_docs.py: help is part of a command, not an afterthought."""
    for path, command in COMMANDS:
        assert command.help, f"{named(path)} has no help"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{named(path)} {param.opts[0]} has no help"
    assert run("--help").exit_code == 0


def test_every_command_shows_its_help_in_the_operators_language():
    for path, command in COMMANDS:
        kind = Group if isinstance(command, click.Group) else Command
        assert isinstance(command, kind), f"{named(path)}: make it with common.command/group"


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=named)
def test_english_help_holds_no_chinese(path):
    result = run("--lang", "en", *path, "--help")
    assert result.exit_code == 0, result.output
    assert not CJK.search(result.output), result.output


def test_help_follows_the_locale(monkeypatch):
    chinese = run("--help")
    assert "爱心超市积分兑换系统" in chinese.output
    assert "记分或扣分：一户一项，或一整张记分表。" in chinese.output  # short help in the list
    assert "户号。" in run("award", "--help").output
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    english = run("county", "merge", "--help")
    assert "Merge the stations' monthly files." in english.output
    assert not CJK.search(english.output), english.output
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")  # LC_ALL outranks LANG
    assert "合并各站点的月报文件" in run("county", "merge", "--help").output


def test_lang_outranks_the_locale(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert "爱心超市积分兑换系统" in run("--lang", "zh", "--help").output
    assert "记分或扣分" in run("--lang", "zh", "award", "--help").output


def test_usage_errors_in_english():
    award = run("--lang", "en", "award", "--db", "x.sqlite", "--operator", "manager")
    assert award.exit_code == 2
    assert "Give --household and --task, or --from-file" in award.output
    both = run(
        "--lang", "en", "award", "--db", "x.sqlite", "--operator", "m", "--task", "HJ05",
        "--from-file", "sheet.csv",
    )  # fmt: skip
    assert both.exit_code == 2
    assert "--from-file cannot be used together with --household/--task" in both.output
    cards = run("--lang", "en", "cards", "print", "--db", "x.sqlite", "--out", "cards.txt")
    assert cards.exit_code == 2
    assert "must end in .pdf or .png, not cards.txt" in cards.output
    for result in (award, both, cards):
        assert not CJK.search(result.output), result.output


def test_usage_errors_in_chinese():
    cards = run("cards", "print", "--db", "x.sqlite", "--out", "cards.txt")
    assert cards.exit_code == 2
    assert "应以 .pdf 或 .png 结尾，而不是 cards.txt" in cards.output


def test_demo_opens_the_shop_in_the_language_asked(monkeypatch, tmp_path):
    """`aixin --lang en demo` opens an English shop, whatever the locale."""
    import pos.app
    import pos.cli.demo

    opened = []

    class Shop:
        def run(self):
            pass

    def make_app(path, *, lang, demo_card):
        opened.append(lang)
        return Shop()

    monkeypatch.setattr(pos.app, "make_app", make_app)
    monkeypatch.setattr(pos.cli.demo, "demo_card", lambda path: "")
    existing = tmp_path / "demo.sqlite"
    existing.touch()
    assert run("--lang", "en", "demo", "--db", str(existing)).exit_code == 0
    assert run("demo", "--db", str(existing)).exit_code == 0
    assert opened == ["en", "zh"]


def test_paragraphs_are_the_msgids():
    """What is extracted is what is looked up: click's cleaned text, a paragraph a msgid."""
    text = """第一段，
        接着写。用 --db
        时照常。

        Second paragraph,
        in English.
        \f
        Not shown."""
    assert paragraphs(text) == [
        "第一段，接着写。用 --db 时照常。",  # lines meeting in Chinese join without a space
        "Second paragraph, in English.",
    ]
    kept = "Lines kept:\n\n\b\none\ntwo"
    assert paragraphs(kept) == ["Lines kept:", "one\ntwo"]
    assert paragraphs(None) == []
