"""First run: a new database gets its company (requisites validated) and its head."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.errors import ValidationError
from salesdesk.fields import Field, checked, text
from salesdesk.i18n import N_, _
from salesdesk.services.company import initialize
from salesdesk.validation import (
    check_bik,
    check_correspondent_account,
    check_inn,
    check_kpp,
    check_settlement_account,
)

from ..forms import FormDialog, FormField


def _fields() -> list[FormField]:
    return [
        FormField("company", _("Company name"), required=True,
                  spec=Field(N_("Company name"), text(300), required=True),
                  placeholder=_("Romashka")),
        FormField("legal_form", _("Legal form"), "combo", suggestions=["ООО", "АО", "ПАО", "ИП"]),
        FormField("inn", _("INN"), spec=Field(N_("INN"), checked(check_inn))),
        FormField("kpp", _("KPP"), spec=Field(N_("KPP"), checked(check_kpp))),
        FormField("address", _("Address")),
        FormField("bank_name", _("Bank")),
        FormField("bik", _("BIK"), spec=Field(N_("BIK"), checked(check_bik))),
        FormField("corr_account", _("Correspondent account")),
        FormField("settlement_account", _("Settlement account")),
        FormField("head_login", _("Your login"), required=True, placeholder="head"),
        FormField("head_name", _("Your name"), required=True),
        FormField("password", _("Password"), "password", required=True),
        FormField("password2", _("Repeat the password"), "password", required=True),
    ]


class FirstRunWizard(FormDialog):
    """One page with the company and its first user; everything checked before saving."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        self.db = db
        self.actor: Actor | None = None
        super().__init__(parent, _("New SalesDesk database"), _fields(), on_save=self._create,
                         save_text=_("Create"))
        self.resize(600, 640)

    def _create(self, values: dict[str, Any]) -> Actor:
        if values["password"] != values["password2"]:
            raise ValidationError(_("Repeat the password"), _("the passwords do not match"))
        bik = values.get("bik") or None
        problems = []
        for key, check in (("corr_account", check_correspondent_account),
                           ("settlement_account", check_settlement_account)):
            try:
                check(values.get(key), bik if bik and len(bik) == 9 else None)
            except ValidationError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ValidationError(problems)
        company = {k: (values.get(k) or None) for k in ("legal_form", "inn", "kpp", "address",
                                                        "bank_name", "bik", "corr_account",
                                                        "settlement_account")}
        self.actor = initialize(self.db, values["company"], values["head_login"],
                                values["head_name"], values["password"], **company)
        return self.actor
