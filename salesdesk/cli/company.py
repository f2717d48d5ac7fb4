"""``company show|set``: the requisites and the images printed on documents.

``company set --stamp FILE`` takes a PNG or JPEG, checks and scales it (branding.py)
and stores it in the database, from where it reaches the laptops with the next bundle.
Only the head may change the company; everybody may look.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from salesdesk.branding import read_image_file
from salesdesk.cli.common import EXIT_OK, acting_user, open_db
from salesdesk.errors import ValidationError
from salesdesk.i18n import _

IMAGE_OPTIONS = {"logo": "logo", "stamp": "stamp", "signature_head": "signature-head",
                 "signature_accountant": "signature-accountant"}
TEXT_OPTIONS = ("payment_terms", "delivery_terms", "payment_terms_en", "delivery_terms_en")


def cmd_set(args: argparse.Namespace) -> int:
    """Change images, terms and document settings in one checked step."""
    from salesdesk.services.company import update_company

    changes: dict[str, Any] = {}
    for key, option in IMAGE_OPTIONS.items():
        value = getattr(args, key)
        if value is not None:
            changes[key] = read_image_file(Path(value), f"--{option}")
    for key in args.clear or []:
        changes[key.replace("-", "_")] = None
    for key in TEXT_OPTIONS:
        value = getattr(args, key)
        if value is not None:
            changes[key] = value or None
    if args.vat_column is not None:
        changes["vat_column"] = args.vat_column == "yes"
    if not changes:
        raise ValidationError(_("company set"), _("give at least one setting to change "
                                                  "(see --help)"))
    db = open_db(args)
    update_company(db, acting_user(args, db), changes)
    print(_("Company settings saved: {names}.").format(names=", ".join(sorted(changes))))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """The requisites and document settings; images by their size in pixels."""
    from salesdesk.branding import image_size
    from salesdesk.services.company import get_company

    db = open_db(args)
    record = get_company(db, acting_user(args, db))
    shown: dict[str, Any] = {}
    for key, value in vars(record).items():
        if key in IMAGE_OPTIONS:
            size = image_size(value)
            shown[key] = f"{size[0]}×{size[1]} px" if size else None
        elif key not in ("id", "version", "stage_probabilities"):
            shown[key] = value
    if args.json:
        print(json.dumps(shown, ensure_ascii=False, indent=2, default=str))
    else:
        for key, value in shown.items():
            print(f"{key}: {'—' if value in (None, '') else value}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``company`` and its commands to the parser."""
    p = sub.add_parser("company", help=_("the company's requisites, images and terms"))
    commands = p.add_subparsers(dest="company_command", required=True, metavar="COMMAND")
    q = commands.add_parser("show", help=_("show the requisites and document settings"))
    q.add_argument("--json", action="store_true", help=_("one JSON object on stdout"))
    q.set_defaults(func=cmd_show)
    q = commands.add_parser("set", help=_("change images, terms and document settings "
                                          "(head only)"))
    q.add_argument("--logo", metavar="FILE", help=_("PNG or JPEG printed at the top"))
    q.add_argument("--stamp", metavar="FILE", help=_("the company's stamp (печать), PNG or "
                                                     "JPEG; white becomes transparent"))
    q.add_argument("--signature-head", metavar="FILE", dest="signature_head",
                   help=_("the head's signature, PNG or JPEG"))
    q.add_argument("--signature-accountant", metavar="FILE", dest="signature_accountant",
                   help=_("the accountant's signature, PNG or JPEG"))
    q.add_argument("--clear", action="append", choices=list(IMAGE_OPTIONS.values()),
                   help=_("remove an image (may be repeated)"))
    q.add_argument("--payment-terms", dest="payment_terms", metavar="TEXT")
    q.add_argument("--delivery-terms", dest="delivery_terms", metavar="TEXT")
    q.add_argument("--payment-terms-en", dest="payment_terms_en", metavar="TEXT",
                   help=_("the payment terms of English documents"))
    q.add_argument("--delivery-terms-en", dest="delivery_terms_en", metavar="TEXT",
                   help=_("the delivery terms of English documents"))
    q.add_argument("--vat-column", choices=["yes", "no"], dest="vat_column",
                   help=_("print each line's VAT rate and amount"))
    q.set_defaults(func=cmd_set)
