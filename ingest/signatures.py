"""What kind of file this is, from its first bytes (and a ZIP's or OLE2 file's directory).

SPEC §2 takes CSV text and XLSX workbooks. Anything else is named by its kind, with what to do, in
one line: an Excel 97-2003 or password-protected workbook, an OpenDocument sheet, a ZIP of other
things, UTF-16/32 text, a binary file. Without this they were read as GB18030 text and failed with
CSV parser noise.
"""
from __future__ import annotations

import codecs
import struct
import zipfile
from pathlib import Path

OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
SAVE_AS = "save it as XLSX or CSV UTF-8"
# A CSV holds no NUL byte and hardly any other control byte; more than this share of the head is binary.
CONTROL_SHARE = 0.01
CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f")
MAGIC = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
         b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive"}
MAX_DIRECTORY_SECTORS = 64   # an OLE2 workbook's streams are named in its first few


class UnreadableFile(ValueError):
    """The bytes are not a CSV in UTF-8 or GB18030, nor an XLSX workbook; the message says what they are."""


def file_kind(path: Path, head: bytes) -> str:
    """'xlsx' or 'text'; any other kind raises UnreadableFile naming it and what to do."""
    if not head:
        raise UnreadableFile("an empty file")
    if head.startswith(OLE2):
        raise UnreadableFile(_ole2_kind(path))
    if head.startswith(ZIP):
        return _zip_kind(path)
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if head.startswith(bom):
            raise UnreadableFile(f"{name} text (Excel's 'Unicode Text'): save it as CSV UTF-8")
    if head.count(0) > len(head) * CONTROL_SHARE and _looks_utf16(head):
        raise UnreadableFile("UTF-16 text without a byte order mark: save it as CSV UTF-8")
    if sum(head.count(b) for b in CONTROL_BYTES) > len(head) * CONTROL_SHARE:
        kind = next((name for magic, name in MAGIC.items() if head.startswith(magic)), "a binary file")
        raise UnreadableFile(f"{kind}, not CSV text or an XLSX workbook: export the data as XLSX or CSV UTF-8")
    return "text"


def _looks_utf16(head: bytes) -> bool:
    """Commas, digits and line ends in UTF-16 put their NUL high byte all at odd (LE) or all at even (BE)
    places; a binary file's NULs fall on both."""
    return max(head[1::2].count(0), head[0::2].count(0)) >= 0.9 * head.count(0)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                with z.open("mimetype") as f:
                    mimetype = f.read(100)
                if mimetype.startswith(ODS_MIMETYPE):
                    raise UnreadableFile(f"an OpenDocument spreadsheet (.ods): {SAVE_AS}")
                raise UnreadableFile(f"an OpenDocument file ({mimetype.decode('ascii', 'replace')}), "
                                     f"not a spreadsheet export: {SAVE_AS}")
    except zipfile.BadZipFile as e:
        raise UnreadableFile(f"a damaged ZIP or XLSX file ({e}): {SAVE_AS} again") from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise UnreadableFile(f"an Excel binary workbook (.xlsb): {SAVE_AS}")
    raise UnreadableFile("a ZIP archive that is not an XLSX workbook: put the exports it holds in the inbox "
                         "as XLSX or CSV UTF-8 files")


def _ole2_kind(path: Path) -> str:
    """An OLE2 compound file is an .xls workbook, or a password-protected XLSX (its EncryptedPackage stream)."""
    names = _ole2_stream_names(path)
    if "EncryptedPackage" in names:
        return ("a password-protected workbook: remove the password in Excel (File > Info > Protect Workbook), "
                f"then {SAVE_AS}")
    if names & {"Workbook", "Book"}:
        return f"an Excel 97-2003 workbook (.xls): open it in Excel and {SAVE_AS}"
    return f"an OLE2 compound file (a Word, Outlook or other Office document), not a spreadsheet export: {SAVE_AS}"


def _ole2_stream_names(path: Path) -> set[str]:
    """The names in the first directory sectors, following the FAT chain from the header (MS-CFB §2.2)."""
    names: set[str] = set()
    with path.open("rb") as f:
        header = f.read(512)
        sector_size = 1 << struct.unpack_from("<H", header, 30)[0]
        if sector_size not in (512, 4096):
            return names
        per_fat_sector = sector_size // 4
        fat_sectors = struct.unpack_from("<109I", header, 76)

        def read(sector: int) -> bytes:
            f.seek((sector + 1) * sector_size)
            return f.read(sector_size)

        sector = struct.unpack_from("<I", header, 48)[0]
        for _ in range(MAX_DIRECTORY_SECTORS):
            if sector >= 0xFFFFFFFA or sector // per_fat_sector >= len(fat_sectors):
                break
            data = read(sector)
            for offset in range(0, len(data) - 127, 128):
                length = struct.unpack_from("<H", data, offset + 64)[0]
                if 2 <= length <= 64:
                    names.add(data[offset:offset + length - 2].decode("utf-16-le", "replace"))
            fat = read(fat_sectors[sector // per_fat_sector])
            if len(fat) < sector_size:
                break
            sector = struct.unpack_from("<I", fat, (sector % per_fat_sector) * 4)[0]
    return names
