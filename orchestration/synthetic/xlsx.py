"""A minimal, deterministic XLSX writer (one sheet, inline strings, real date cells).

openpyxl stamps the current time into the package (zip entry times and document properties), which
would make two runs with the same seed differ. This writer emits the handful of parts a workbook
needs, with fixed zip timestamps, so the same rows always give the same bytes. Dates are written as
serial numbers with a date number format, so readers (openpyxl, pandas, Excel) see date cells.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

_EPOCH = date(1899, 12, 30)
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_NS_PKG = "http://schemas.openxmlformats.org/package/2006"
_NS_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_CONTENT_TYPES = "".join(
    (
        _XML,
        f'<Types xmlns="{_NS_PKG}/content-types">',
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>',
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>',
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>',
        "</Types>",
    )
)

_ROOT_RELS = "".join(
    (
        _XML,
        f'<Relationships xmlns="{_NS_PKG}/relationships">',
        f'<Relationship Id="rId1" Type="{_NS_DOC}/officeDocument" Target="xl/workbook.xml"/>',
        "</Relationships>",
    )
)

_WORKBOOK = "".join(
    (
        _XML,
        f'<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_DOC}">',
        '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>',
        "</workbook>",
    )
)

_WORKBOOK_RELS = "".join(
    (
        _XML,
        f'<Relationships xmlns="{_NS_PKG}/relationships">',
        f'<Relationship Id="rId1" Type="{_NS_DOC}/worksheet" Target="worksheets/sheet1.xml"/>',
        f'<Relationship Id="rId2" Type="{_NS_DOC}/styles" Target="styles.xml"/>',
        "</Relationships>",
    )
)

_STYLES = "".join(
    (
        _XML,
        f'<styleSheet xmlns="{_NS_MAIN}">',
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>',
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>',
        '<fills count="2"><fill><patternFill patternType="none"/></fill>',
        '<fill><patternFill patternType="gray125"/></fill></fills>',
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>',
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>',
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>',
        "</styleSheet>",
    )
)


def _col_letters(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _cell(ref: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], sheet_name: str = "CLD") -> int:
    """Write one sheet; returns the number of data rows."""
    letters = [_col_letters(i) for i in range(len(header))]
    parts = [f'{_XML}<worksheet xmlns="{_NS_MAIN}"><sheetData>']
    parts.append('<row r="1">' + "".join(_cell(f"{letters[i]}1", h) for i, h in enumerate(header)) + "</row>")
    n = 0
    for n, row in enumerate(rows, start=1):
        r = n + 1
        parts.append(f'<row r="{r}">' + "".join(_cell(f"{letters[i]}{r}", v) for i, v in enumerate(row)) + "</row>")
    parts.append("</sheetData></worksheet>")
    entries = (
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet_name))),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ("xl/styles.xml", _STYLES),
        ("xl/worksheets/sheet1.xml", "".join(parts)),
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in entries:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))
    return n
