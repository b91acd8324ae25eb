"""Great Expectations' Data Docs render styled with no network: opened in headless Chromium whose
every outside address fails, the index lists the validations (bootstrap-table drew them) and the
pages carry Bootstrap's and Font Awesome's styles. GE's own pages, with their CDN links, fail
each of these checks offline."""
from __future__ import annotations

import json
import re
import subprocess
from html import unescape

from chaxin.views import DATA_DOCS

from .test_publishing import CHROMIUM, CHROMIUM_FLAGS

# No network: every host name fails to resolve and every request goes to a closed local port.
OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
           "--proxy-bypass-list=<-loopback>"]
# Appended to a copy of the page: what the browser computed, written where --dump-dom shows it.
PROBE = """<script>
window.addEventListener('load', function () {
  var style = function (selector, property) {
    var element = document.querySelector(selector);
    return element ? getComputedStyle(element)[property] : null;
  };
  document.body.setAttribute('data-probe', JSON.stringify({
    navbar: style('nav.navbar', 'display'),
    success: style('.text-success', 'color'),
    icon_font: style('.fas', 'fontFamily'),
    shown: Array.from(document.querySelectorAll('.pagination-info')).map(function (e) {
      return e.textContent.trim();
    }),
    assets: performance.getEntriesByType('resource').map(function (r) { return r.name; }),
  }));
});
</script>"""
RESOURCE = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']https?://|url\(["']?https?://|<img\b[^>]*\bsrc=["']https?://""")


def computed(page, profile) -> dict:
    probe = page.with_name(page.stem + ".probe.html")     # beside the page: its relative links hold
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    try:
        dom = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, *OFFLINE, f"--user-data-dir={profile}", "--dump-dom",
                              probe.as_uri()], check=True, capture_output=True, text=True, timeout=120).stdout
    finally:
        probe.unlink()
    return json.loads(unescape(re.search(r'data-probe="([^"]*)"', dom).group(1)))


def test_data_docs_render_styled_offline_in_chromium(built, tmp_path):
    assert CHROMIUM, "no chromium: `make test` installs Debian's chromium (make browser)"
    _, _, settings = built
    index = settings.quality_dir / DATA_DOCS
    site = index.parent
    pages = sorted(site.rglob("*.html"))
    validations = sorted((site / "validations").rglob("*.html"))
    assert len(validations) >= 10
    assert [page.relative_to(site) for page in pages if RESOURCE.search(page.read_text(encoding="utf-8"))] == []

    listed = computed(index, tmp_path / "chromium")
    assert listed["navbar"] == "flex"                          # Bootstrap's CSS applied
    assert "Font Awesome 6 Free" in listed["icon_font"]        # the status icons are Font Awesome's
    assert listed["shown"][0] == f"Showing 1 to 10 of {len(validations)} rows"   # bootstrap-table drew them
    assert all(asset.startswith("file://") for asset in listed["assets"])

    page = computed(validations[0], tmp_path / "chromium")
    assert page["navbar"] == "flex"
    assert page["success"] == "rgb(40, 167, 69)"               # Bootstrap's text-success green
    assert "Font Awesome 6 Free" in page["icon_font"]
    assert all(asset.startswith("file://") for asset in page["assets"])


def test_a_validation_renders_its_own_pages_not_every_stored_one_again(built, tmp_path):
    """GE renders every stored validation again unless told which: a cost that grew with every run."""
    from shutil import copytree

    from quality.validate import INDEX_LIMIT, validate

    con, _, settings = built
    root = tmp_path / "quality"
    copytree(settings.quality_dir, root)
    site = (root / DATA_DOCS).parent
    before = {page: page.stat().st_mtime_ns for page in (site / "validations").rglob("*.html")}
    _, index = validate(con, root, {"raw/commissions"})
    new = [page for page in (site / "validations").rglob("*.html") if page not in before]
    assert len(new) == 1 and new[0].relative_to(site).parts[:3] == ("validations", "raw", "commissions")
    assert {page: page.stat().st_mtime_ns for page in before} == before    # none rendered again
    assert new[0].relative_to(site).as_posix() in index.read_text(encoding="utf-8")
    assert f"validation_results_limit: {INDEX_LIMIT}" in (root / "gx" / "great_expectations.yml").read_text()
