"""Great Expectations' Data Docs that render with no network.

GE 1.24's pages load Bootstrap, jQuery, bootstrap-table (which builds the index's table), Font
Awesome, a datepicker, vega and GE's logo from CDNs: offline the index is an empty, unstyled page.
After each build, `make_offline` copies those assets from pinned packages (XStatic-jQuery,
XStatic-Bootstrap, XStatic-Bootstrap-Datepicker, fontawesomefree; bootstrap-table, which no Python
package ships, from data-docs-assets/) into the site's static/vendor/ and points every page at
them. What chaxin's pages never use goes: vega (charts of profiling expectations, none here), the
dark-mode stylesheet, and Popper, which is inside Bootstrap's bundle.
"""
from __future__ import annotations

import importlib
import os
import re
import shutil
from pathlib import Path

VENDORED = Path(__file__).parent / "data-docs-assets"

# Every CDN address GE 1.24 writes into a page -> the file under the site root that replaces it
# (None: the tag is dropped). tests/test_data_docs.py fails on any address left in a page.
LOCAL = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "static/vendor/jquery.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "static/vendor/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "static/vendor/bootstrap.bundle.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": None,
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "static/vendor/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "static/vendor/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "static/vendor/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "static/vendor/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "static/vendor/bootstrap-table-filter-control.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "static/vendor/bootstrap-datepicker.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "static/vendor/bootstrap-datepicker.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "static/vendor/fontawesome/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": None,
    "https://cdn.jsdelivr.net/npm/vega@5": None,
    "https://cdn.jsdelivr.net/npm/vega-lite@5": None,
    "https://cdn.jsdelivr.net/npm/vega-embed@6": None,
}
# a <script src> or <link href> tag with an absolute address (an integrity hash, if any, goes with it)
TAG = re.compile(r"""<(script|link)\b[^>]*?\b(?:src|href)=["'](https?://[^"']+)["'][^>]*>(?:\s*</script>)?""")
# GE's logo, as an <img> and in the navbar's CSS, with a tracking query naming the data context
LOGO = re.compile(r"""https://great-expectations-web-assets\.s3\.[\w.-]+\.amazonaws\.com/[\w-]+\.png(?:\?[^"')\s]*)?""")
LOGO_LOCAL = "static/images/logo-long.png"   # GE copies its own static/ into the site


def _package_dir(module: str) -> Path:
    package = importlib.import_module(module)
    return Path(getattr(package, "BASE_DIR", None) or Path(package.__file__).parent)


def _assets() -> dict[str, Path]:
    """Path under the site root -> the packaged file it is copied from."""
    jquery = _package_dir("xstatic.pkg.jquery")
    bootstrap = _package_dir("xstatic.pkg.bootstrap")
    datepicker = _package_dir("xstatic.pkg.bootstrap_datepicker")
    fontawesome = _package_dir("fontawesomefree") / "static" / "fontawesomefree"
    table = VENDORED / "bootstrap-table-1.19.1"
    assets = {
        "static/vendor/jquery.min.js": jquery / "jquery.min.js",
        "static/vendor/bootstrap.min.css": bootstrap / "css" / "bootstrap.min.css",
        "static/vendor/bootstrap.bundle.min.js": bootstrap / "js" / "bootstrap.bundle.min.js",
        "static/vendor/bootstrap-table.min.css": table / "bootstrap-table.min.css",
        "static/vendor/bootstrap-table.min.js": table / "bootstrap-table.min.js",
        "static/vendor/bootstrap-table-filter-control.min.css":
            table / "extensions" / "filter-control" / "bootstrap-table-filter-control.min.css",
        "static/vendor/bootstrap-table-filter-control.min.js":
            table / "extensions" / "filter-control" / "bootstrap-table-filter-control.min.js",
        "static/vendor/bootstrap-datepicker.css": datepicker / "bootstrap-datepicker.standalone.css",
        "static/vendor/bootstrap-datepicker.js": datepicker / "bootstrap-datepicker.js",
        "static/vendor/fontawesome/css/all.min.css": fontawesome / "css" / "all.min.css",
    }
    for font in sorted((fontawesome / "webfonts").iterdir()):    # all.min.css reads ../webfonts/
        assets[f"static/vendor/fontawesome/webfonts/{font.name}"] = font
    return assets


def _offline(html: str, to_root: str) -> str:
    def local_tag(match: re.Match) -> str:
        kind, address = match.groups()
        if address not in LOCAL:
            return match.group(0)
        if LOCAL[address] is None:
            return ""
        if kind == "script":
            return f'<script src="{to_root}{LOCAL[address]}"></script>'
        return f'<link rel="stylesheet" href="{to_root}{LOCAL[address]}">'

    return LOGO.sub(to_root + LOGO_LOCAL, TAG.sub(local_tag, html))


def make_offline(site: Path) -> None:
    """Copy the assets into `site` (the folder of index.html) and point every page at them."""
    for name, source in _assets().items():
        target = site / name
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    for page in site.rglob("*.html"):
        to_root = Path(os.path.relpath(site, page.parent)).as_posix() + "/"
        html = page.read_text(encoding="utf-8")
        offline = _offline(html, "" if to_root == "./" else to_root)
        if offline != html:
            page.write_text(offline, encoding="utf-8")
