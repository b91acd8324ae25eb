"""Bytes of hostile inbox files, made by hand: what an adversary (or an unlucky export) drops in the inbox.

Each maker returns the file's bytes; the tests say what ingest must do with them.
"""
from __future__ import annotations

import csv
import io
import struct
import zipfile

# Real company names as Taiwanese (Big5 / cp950) and Japanese (Shift-JIS / cp932) exports write them.
BIG5_NAMES = ("台灣積體電路製造股份有限公司", "鴻海精密工業股份有限公司", "聯發科技股份有限公司", "廣達電腦股份有限公司",
              "華碩電腦股份有限公司", "宏碁股份有限公司", "台達電子工業股份有限公司", "中華電信股份有限公司",
              "長榮海運股份有限公司", "友達光電股份有限公司", "國立臺灣大學", "工業技術研究院")
SJIS_NAMES = ("トヨタ自動車株式会社", "本田技研工業株式会社", "ソニーグループ株式会社", "株式会社日立製作所",
              "三菱電機株式会社", "富士通株式会社", "キヤノン株式会社", "京セラ株式会社", "任天堂株式会社",
              "武田薬品工業株式会社", "国立大学法人東京大学", "理化学研究所")
GB_NAMES = ("北京华科新材料股份有限公司", "上海瀚海生物医药有限公司", "中国科学院化学研究所", "深圳市鑫瀚晟科技有限公司",
            "华北理工大学", "广州丁环保有限公司", "合肥中和思源生物有限公司", "重庆远航长城电子股份有限公司")

ACTIVITIES_HEADER = ["日期", "委托单位", "活动类型", "负责人", "备注"]


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def commissions_csv(names, encoding: str, n: int = 12) -> bytes:
    """English headers (they match whatever the encoding) and names in the given encoding."""
    rows = [["commission_no", "org_name", "nature", "commission_date"]]
    rows += [[f"CX{i:04d}", names[i % len(names)], "企业" if encoding == "gb18030" else "enterprise",
              f"2010-0{i % 9 + 1}-1{i % 10}"] for i in range(n)]
    return csv_text(rows).encode(encoding)


def activities_rows(n: int, tag: str = "") -> list[list[str]]:
    return [[f"2010-0{i % 9 + 1}-0{i % 9 + 1}", GB_NAMES[i % len(GB_NAMES)], "回访", f"员工{tag}{i}", ""]
            for i in range(n)]


def xlsx_bytes(rows: list[list[str]], dimension: str | None = None) -> bytes:
    """A minimal XLSX: inline-string cells, and a <dimension> that may say anything."""
    def col(i: int) -> str:
        name = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        return name

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    body = "".join(
        f'<row r="{r + 1}">' + "".join(
            f'<c r="{col(c)}{r + 1}" t="inlineStr"><is><t>{esc(v)}</t></is></c>' for c, v in enumerate(row) if v)
        + "</row>" for r, row in enumerate(rows))
    width = max((len(r) for r in rows), default=1)
    dimension = dimension or f"A1:{col(width - 1)}{max(len(rows), 1)}"
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>')
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def ods_bytes() -> bytes:
    """An OpenDocument spreadsheet: its first entry is the stored `mimetype`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("exports/commissions.csv", "编号,委托日期,委托单位,用户性质\n")
    return out.getvalue()


def ole2_bytes(stream_names: tuple[str, ...]) -> bytes:
    """A minimal OLE2 compound file (what .xls and password-protected .xlsx are) whose root
    holds the named streams: header, one FAT sector, then directory sectors of four entries."""
    entries = ["Root Entry", *stream_names]
    n_dir = (len(entries) + 3) // 4
    fat = [0xFFFFFFFD] + [s + 1 if s < n_dir else 0xFFFFFFFE for s in range(1, n_dir + 1)]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
              + struct.pack("<H", 6) + bytes(6) + struct.pack("<IIIIIIII", 0, 1, 1, 0, 0x1000, 0xFFFFFFFE, 0,
                                                                 0xFFFFFFFE)
              + struct.pack("<I", 0))
    difat = struct.pack("<I", 0) + b"\xff" * 4 * 108
    directory = b""
    for i, name in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        directory += (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), 5 if i == 0 else 2, 1)
                      + struct.pack("<III", 0xFFFFFFFF, i + 1 if 0 < i < len(entries) - 1 else 0xFFFFFFFF,
                                    1 if i == 0 else 0xFFFFFFFF)
                      + bytes(36) + struct.pack("<II", 0xFFFFFFFE, 0) + bytes(4))
    directory = directory.ljust(512 * n_dir, b"\0")
    return header + difat + struct.pack("<128I", *fat) + directory
