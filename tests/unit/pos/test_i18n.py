"""Every message has its English translation, the compiled catalog matches, and the English
screens show no Chinese of their own (data such as names stays as entered)."""

from __future__ import annotations

import re
import string

from pos.i18n import translator
from tests.i18n import read_catalog, source_messages

FIELDS = string.Formatter()


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in FIELDS.parse(text) if name}


def test_every_message_is_translated():
    catalog = read_catalog()
    missing = [
        text for text in source_messages() if not (catalog.get(text) and catalog.get(text).string)
    ]
    assert not missing, f"{len(missing)} messages lack English, e.g. {missing[:5]}"


def test_translations_keep_the_fields_and_hold_no_chinese():
    for message in read_catalog():
        if not message.id:
            continue
        assert fields(message.string) == fields(message.id), message.id
        assert not re.search(r"[\u4e00-\u9fff]", message.string), message.id


def test_the_catalog_lists_exactly_the_messages_in_the_source():
    """No stale entries: a message gone from the code is gone from the catalog."""
    listed = {m.id for m in read_catalog() if m.id}
    assert listed == set(source_messages()), "run: python -m tests.i18n"


def test_english_is_used():
    english = translator("en")
    assert english("密码错误，还可以再试 {left} 次") != "密码错误，还可以再试 {left} 次"
    assert translator("zh")("兑换") == "兑换"
