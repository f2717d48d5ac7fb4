"""Import files are a stranger's input: decoding never crashes, an encoding that cannot be
proved is refused rather than stored as mojibake, an XLSX is read as it is (not as its
<dimension> says) and never with a DTD; and a fuzzer finds no traceback."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from salesdesk.db.models import Client
from salesdesk.errors import SalesDeskError, ValidationError
from salesdesk.importer import import_file
from tests.conftest import Office

HEADER = "Наименование;ИНН;Ответственный\n"


def _clients(office: Office) -> int:
    with office.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Client)) or 0)


@pytest.mark.parametrize(("data", "message"), [
    (HEADER.encode("cp1251") + b"\xc0\x98\xc1;;rep1\n", r"clients.csv:2: .*0x98"),
    (b"\xef\xbb\xbf" + HEADER.encode() + "ООО «Я»".encode()[:-1],
     r"clients.csv:2: .*UTF-8"),
    ((HEADER + "ООО Альфа;;rep1\nАО Бета Плюс;;rep1\n").encode("koi8_r"), "encoding"),
    ("名前;ИНН;Ответственный\n株式会社テスト;;rep1\n".encode("shift_jis"), "encoding"),
])
def test_undecodable_or_unprovable_files_are_refused_and_nothing_is_stored(
        office: Office, tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(data)
    before = _clients(office)
    with pytest.raises(ValidationError, match=message):
        import_file(office.db, office.head, "clients", path)
    assert _clients(office) == before


def test_windows_1251_and_utf8_still_come_in(office: Office, tmp_path: Path) -> None:
    for number, encoding in enumerate(("cp1251", "utf-8", "utf-8-sig")):
        path = tmp_path / f"c{number}.csv"
        path.write_bytes((HEADER + f"ООО «Альфа {number}»;;rep1\n").encode(encoding))
        assert import_file(office.db, office.head, "clients", path).created == 1


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(data: bytes, change: object) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = change(body)  # type: ignore[operator]
            dst.writestr(item, body)
    return out.getvalue()


def test_an_xlsx_whose_dimension_lies_is_read_whole(office: Office, tmp_path: Path) -> None:
    rows = [["name", "owner"]] + [[f"ООО «Клиент {n}»", "rep1"] for n in range(7)]
    data = _xlsx(rows)
    import re

    data = _rewrite_sheet(data, lambda body: re.sub(rb'<dimension ref="[^"]+"/>',
                                                    b'<dimension ref="A1:B2"/>', body))
    path = tmp_path / "clients.xlsx"
    path.write_bytes(data)
    assert import_file(office.db, office.head, "clients", path).created == 7


def test_an_xlsx_with_a_dtd_is_refused(office: Office, tmp_path: Path) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    data = _rewrite_sheet(_xlsx([["name", "owner"], ["&lol2;", "rep1"]]),
                          lambda body: bomb + (body.split(b"?>", 1)[1]
                                               if body.startswith(b"<?xml") else body))
    path = tmp_path / "clients.xlsx"
    path.write_bytes(data)
    with pytest.raises(ValidationError, match="not a readable XLSX"):
        import_file(office.db, office.head, "clients", path)
    assert _clients(office) == 0


_bytes_of_csv = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from([b"name;owner\n", b"\xef\xbb\xbf", "ООО «Альфа»;rep1\n".encode(),
                              "ООО «Бета»;rep1\n".encode("cp1251"), b"\x98", b"\xd0", b'"',
                              b";;;\n", b"\r\n", b"\x00", b"=cmd|' /C calc'!A0;rep1\n",
                              "Ц".encode("koi8_r") * 5, b"\xff\xfe"]),
             max_size=12).map(b"".join),
)


@settings(max_examples=1000, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=_bytes_of_csv)
def test_fuzzed_csv_files_never_crash(office: Office, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(data)
    with contextlib.suppress(SalesDeskError):  # refused with a message, or taken
        import_file(office.db, office.head, "clients", path)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cuts=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6),
       length=st.one_of(st.none(), st.integers(0, 6000)))
def test_damaged_xlsx_files_never_crash(office: Office, tmp_path: Path,
                                        cuts: list[tuple[int, int]], length: int | None) -> None:
    data = bytearray(_xlsx([["name", "owner"], ["ООО «Альфа»", "rep1"]]))
    for position, value in cuts:
        data[position % len(data)] = value
    path = tmp_path / "clients.xlsx"
    path.write_bytes(bytes(data[:length]) if length is not None else bytes(data))
    with contextlib.suppress(SalesDeskError):  # refused with a message, or taken
        import_file(office.db, office.head, "clients", path)
