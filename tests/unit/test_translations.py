"""Russian is complete: every English string of core and window has a translation, the
compiled catalogue matches the .po, and placeholders survive translation."""

from __future__ import annotations

import gettext
import importlib.machinery
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _i18n_tool():  # type: ignore[no-untyped-def]
    loader = importlib.machinery.SourceFileLoader("i18n_tool", str(ROOT / "scripts" / "i18n"))
    spec = importlib.util.spec_from_loader("i18n_tool", loader)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool():  # type: ignore[no-untyped-def]
    return _i18n_tool()


def test_every_string_has_a_russian_translation(tool) -> None:  # type: ignore[no-untyped-def]
    gaps = tool.missing(tool.load_po())
    assert gaps == [], f"untranslated ({len(gaps)}), run scripts/i18n update: {gaps[:20]}"


def test_compiled_catalogue_matches_po(tool) -> None:  # type: ignore[no-untyped-def]
    catalog = tool.load_po()
    with open(tool.MO, "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n, form in ((1, 0), (3, 1), (5, 2)):
                assert compiled.ngettext(message.id[0], message.id[1], n) == message.string[form]
        else:
            assert compiled.gettext(message.id) == message.string, (
                f"stale .mo for {message.id!r}: run scripts/i18n compile")


def test_placeholders_are_kept(tool) -> None:  # type: ignore[no-untyped-def]
    pattern = re.compile(r"\{[a-z_]*\}")
    for message in tool.load_po():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(pattern.findall(ids[0]))
        for text in strings:
            assert set(pattern.findall(text)) == wanted, (message.id, text)


def test_no_translation_calls_inside_f_strings() -> None:
    """Babel cannot extract ``_()`` inside an f-string: such text would stay English."""
    pattern = re.compile(r"""f(["']).*\{[^}]*\b_\(""")
    offenders = []
    for folder in ("salesdesk", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
