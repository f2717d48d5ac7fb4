"""The field registry is the one declaration: the services, the import mapping, the
workbook's headers and the sync's conflict labels all read it, and a field added to it
reaches each of them."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import inspect

from salesdesk import import_mapping, registry
from salesdesk.fields import text
from salesdesk.i18n import Tr
from salesdesk.services import clients, contacts, deals, documents, products
from salesdesk.sync import codec
from salesdesk.workbook import TABLES, _headers, columns


def test_the_services_check_what_the_registry_declares() -> None:
    assert clients.CLIENT_FIELDS is registry.spec("clients")
    assert contacts.CONTACT_FIELDS is registry.spec("contacts")
    assert deals.DEAL_FIELDS is registry.spec("deals")
    assert documents.LINE_FIELDS is registry.spec("document_lines")
    assert products.PRODUCT_FIELDS is registry.spec("products")


@pytest.mark.parametrize("table", [t for t in registry.KINDS if registry.KINDS[t].fields])
def test_every_stored_field_is_a_column_of_its_table(table: str) -> None:
    model = codec.models()[table]
    attributes = {a.key for a in inspect(model).mapper.column_attrs}
    stored = {f.key for f in registry.KINDS[table].fields if f.stored}
    assert stored <= attributes, stored - attributes


@pytest.mark.parametrize("table", TABLES)
def test_every_exported_column_has_a_declared_label_in_both_languages(table: str) -> None:
    for column in columns(table):
        assert (registry.kind(table).field(column) is not None
                or column in registry.SHARED_LABELS), f"{table}.{column} is not declared"
    english, russian = _headers(table, "en"), _headers(table, "ru")
    assert len(set(russian)) == len(russian) and len(set(english)) == len(english)
    untranslated = {h for h in russian if not any("а" <= c <= "я" for c in h.casefold())}
    assert untranslated <= {"Id", "E-mail"}, untranslated


def test_the_import_recognises_a_field_by_its_label_in_either_language() -> None:
    header = ["Ожидаемое закрытие", "Expected close", "Стадия", "Lost reason"]
    mapping = import_mapping.recognise("deals", header)
    assert mapping.fields == {0: "expected_close", 2: "stage", 3: "lost_reason"}
    # Case, spaces and punctuation aside; and a tool's synonym before a label.
    assert import_mapping.recognise("clients", ["  сайт компании ", "WEB-SITE"]).fields == {
        0: "website"}


def test_a_field_added_to_the_registry_reaches_the_service_import_and_export(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """What "adding a field touches the model, the migration and the registry" means:
    nothing else has to learn of it."""
    region = registry.F("region", "Region", text(50), importable=True,
                        synonyms=("регион", "область"))
    kind = dataclasses.replace(registry.CLIENTS, fields=(*registry.CLIENTS.fields, region))
    monkeypatch.setitem(registry.KINDS, "clients", kind)
    for cached in (registry.spec, registry.import_names, import_mapping.lookup):
        cached.cache_clear()
    try:
        assert registry.spec("clients")["region"] is region
        assert "region" in import_mapping.known_fields("clients")
        assert import_mapping.recognise("clients", ["Наименование", "Область"]).fields == {
            0: "name", 1: "region"}
        assert Tr("en")._(registry.label("clients", "region")) == "Region"
        assert registry.conflict_label("clients", "region") == "Region"
    finally:
        for cached in (registry.spec, registry.import_names, import_mapping.lookup):
            cached.cache_clear()


def test_a_field_s_default_is_taken_when_a_form_opens() -> None:
    from salesdesk import clock

    opened = registry.DEALS.field("opened_on")
    assert opened is not None and opened.initial() == clock.today()
    assert registry.CLIENTS.field("status").initial() == "active"  # type: ignore[union-attr]
