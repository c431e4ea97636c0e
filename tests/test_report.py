"""`report.html`: built into every published version, self-contained, and rendered by a real browser.

The browser test drives headless Chromium (Debian's `chromium`; `.ci/run` installs it when missing)
over the DevTools protocol on a pipe (`--remote-debugging-pipe`: no port, no extra Python package).
It loads the report from disk with every network request routed to a dead proxy, records every
request the page makes, measures the charts and tables as laid out, and takes a screenshot.
`python tests/test_report.py docs/report.png` writes the README's screenshot the same way.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from cleaner.pipeline import build
from cleaner.publish.manifest import verify
from cleaner.publish.report import REPORT, hbar_svg, histogram_svg, length_bins, render_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "cleaner" / "data" / "samples"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _bad_feed(folder: Path) -> Path:
    feed = folder / "bad.jsonl"
    feed.write_text(json.dumps({"id": "short-1", "title": "Short", "text": "Too short to be a story."}) + "\n"
                    "{not json\n", encoding="utf-8")
    return feed


@pytest.fixture(scope="module")
def version(tmp_path_factory) -> Path:
    """The sample corpus plus two bad records, published: every section of the report has content."""
    tmp = tmp_path_factory.mktemp("report")
    path, _ = build([SAMPLES, _bad_feed(tmp)], tmp / "out", "news")
    return path


# -- the page, without a browser ---------------------------------------------------------------------------

def test_every_published_version_carries_a_report_that_verify_covers(version):
    manifest = json.loads((version / "manifest.json").read_text())
    assert REPORT in [f["path"] for f in manifest["files"]]
    assert verify(version) == []
    page = version / REPORT
    page.write_bytes(page.read_bytes().replace(b"Counts ledger", b"Counts ledgeR"))
    try:
        assert verify(version) == [f"{REPORT}: sha256 mismatch"]
    finally:
        page.write_bytes(page.read_bytes().replace(b"Counts ledgeR", b"Counts ledger"))


def test_report_has_every_section_with_the_ledger_numbers(version):
    page = (version / REPORT).read_text(encoding="utf-8")
    manifest = json.loads((version / "manifest.json").read_text())
    c = manifest["counts"]
    for section in ("ledger", "categories", "rules", "lengths", "quarantine", "duplicates", "examples"):
        assert f'id="{section}"' in page
    assert (f"inputs = published + quarantined + duplicates: {c['inputs']} = {c['published']} + "
            f"{c['quarantined']} + {c['duplicates']}") in page
    for category, n in c["removals_by_category"].items():
        assert f"<td>{category}</td><td class=n>{n}</td>" in page
    assert "body_long_enough" in page and "read.invalid_json" in page
    assert page.count('<section class="example"') == 3


def test_report_is_self_contained(version):
    page = (version / REPORT).read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"\b(src|href|xlink:href|srcset|action)\s*=", page, re.I)
    assert not re.search(r"url\(|@import", page, re.I)
    assert "default-src 'none'" in page


def test_example_articles_mark_removed_lines_where_they_stood(version):
    page = (version / REPORT).read_text(encoding="utf-8")
    seed = page[page.index("China’s Anti-War Movement Gets Louder"):]
    seed = seed[: seed.index("</section>")]
    items = re.findall(r'<li class="(kept|removed)"[^>]*>(.*?)</li>', seed, re.S)
    kinds = [k for k, _ in items]
    assert kinds[0] == "removed" and "meta.title" in items[0][1]
    # the captions sit between body paragraphs, as in the input, not bunched at one end
    caption_at = [i for i, (k, t) in enumerate(items) if "caption ·" in t]
    assert caption_at and 0 < caption_at[0] < len(items) - 1
    assert kinds[caption_at[0] - 1] == "kept" and "kept" in kinds[caption_at[-1] + 1:]


def test_report_bytes_are_the_same_for_the_same_inputs(tmp_path):
    feed = _bad_feed(tmp_path)
    a, _ = build([SAMPLES, feed], tmp_path / "a", "news")
    b, _ = build([SAMPLES, feed], tmp_path / "b", "news")
    assert (a / REPORT).read_bytes() == (b / REPORT).read_bytes()


def test_an_empty_version_still_gets_a_report(tmp_path):
    from cleaner.records import Ledger

    (tmp_path / "data").mkdir()
    page = render_report(tmp_path, Ledger(), "empty", "v1")
    assert "No article was published." in page and "Nothing was removed." in page


def test_chart_helpers_scale_bars_to_the_largest_value():
    svg = hbar_svg([("a", 10), ("b", 5)], "x", width=560, label_width=160)
    widths = [int(w) for w in re.findall(r'<rect x="160" y="\d+" width="(\d+)"', svg)]
    assert widths == [330, 165]
    hist = histogram_svg(length_bins(__import__("numpy").array([120, 130, 700])), "h")
    assert hist.count("<rect") == len(length_bins(__import__("numpy").array([1])))


# -- the page in a real browser ------------------------------------------------------------------------------

def find_browser() -> str | None:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    return None


class Chromium:
    """Headless Chromium driven over the DevTools protocol on fds 3/4 (`--remote-debugging-pipe`)."""

    def __init__(self, binary: str, width: int = 1100, height: int = 900):
        self.profile = tempfile.mkdtemp(prefix="report-chromium-")
        self.log = Path(self.profile) / "chrome.log"
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()
        # the child's ends move above fd 9, so that placing them on 3 and 4 cannot clobber one another
        low = (to_chrome_r, from_chrome_w)
        to_chrome_r, from_chrome_w = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in low)
        for fd in low:
            os.close(fd)
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
                f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
                # a dead proxy: any request the page made would fail, and show in the log and the events
                "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                "--enable-logging", "--v=0", "--remote-debugging-pipe", "about:blank"]
        env = {**os.environ, "CHROME_LOG_FILE": str(self.log)}

        def fds() -> None:  # the browser reads commands on fd 3 and answers on fd 4
            os.dup2(to_chrome_r, 3)    # dup2 makes them inheritable; the pipes' own fds are not
            os.dup2(from_chrome_w, 4)

        with open(self.log.with_suffix(".stderr"), "wb") as stderr:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                         env=env, preexec_fn=fds, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []
        self.session = None
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from chromium")
            import select
            ready, _, _ = select.select([self._r], [], [], 0.5)
            if ready:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"chromium exited: {self.log.with_suffix('.stderr').read_text()[-2000:]}")
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, params: dict | None = None, timeout: float = 60) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event: str, timeout: float = 60) -> dict:
        for e in self.events:
            if e.get("method") == event:
                return e
        while True:
            e = self._read(timeout)
            self.events.append(e)
            if e.get("method") == event:
                return e

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
        except (OSError, RuntimeError, TimeoutError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._w)
        os.close(self._r)
        shutil.rmtree(self.profile, ignore_errors=True)


LAYOUT_JS = """(() => {
  const box = el => { const r = el.getBoundingClientRect(); return {w: r.width, h: r.height}; };
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => ({
    label: svg.getAttribute('aria-label'), ...box(svg), bars: svg.dataset.bars,
    drawn: [...svg.querySelectorAll('rect')].filter(r => r.getBoundingClientRect().width > 0
                                                          && r.getBoundingClientRect().height > 0).length}));
  const tables = [...document.querySelectorAll('table')].map(t => ({...box(t), rows: t.rows.length}));
  return {charts, tables, title: document.title, height: document.documentElement.scrollHeight,
          resources: performance.getEntriesByType('resource').map(e => e.name)};
})()"""


def open_report(browser: Chromium, page: Path) -> dict:
    browser.call("Network.enable")
    browser.call("Page.enable")
    browser.call("Page.navigate", {"url": page.resolve().as_uri()})
    browser.wait_for("Page.loadEventFired")
    return browser.evaluate(LAYOUT_JS)


def screenshot(browser: Chromium, path: Path, height: int) -> bytes:
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": 1100, "height": min(height, 4000), "deviceScaleFactor": 1, "mobile": False})
    png = base64.b64decode(browser.call("Page.captureScreenshot", {"format": "png"})["data"])
    path.write_bytes(png)
    return png


def _png_colours(png: bytes) -> int:
    """How many distinct colours a PNG screenshot holds (a blank page has one)."""
    import struct
    import zlib

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, colour_type = 8, b"", 0, 0, 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", data[:10])
            assert depth == 8
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    bpp = {2: 3, 6: 4}[colour_type]
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 4 == 0:
            colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp * 2))
        prev = line
    return len(colours)


@pytest.fixture(scope="module")
def browser():
    binary = find_browser()
    if binary is None:
        pytest.skip("no headless browser found (looked for " + ", ".join(BROWSERS) + "); "
                    ".ci/run installs Debian's chromium with apt-get")
    try:
        b = Chromium(binary)
    except (OSError, RuntimeError, TimeoutError) as exc:
        pytest.skip(f"{binary} is installed but does not start headless: {exc}")
    yield b
    b.close()


def test_report_renders_its_charts_and_tables_in_chromium_without_any_request(version, browser, tmp_path):
    layout = open_report(browser, version / REPORT)
    assert layout["title"] == f"news {version.name}: build report"
    labels = [c["label"] for c in layout["charts"]]
    assert labels[:2] == ["outcome of every input record", "removals by category"]
    assert "body length distribution" in labels and "quarantine by check" in labels
    for chart in layout["charts"]:
        assert chart["w"] > 300 and chart["h"] > 20, chart
        assert chart["drawn"] >= 1, chart           # at least one bar has a size on screen
    assert len(layout["tables"]) >= 6 and all(t["w"] > 100 and t["h"] > 20 for t in layout["tables"])
    # nothing fetched: the only request is the page itself, and the page loaded no resource
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requests == [(version / REPORT).resolve().as_uri()]
    assert layout["resources"] == []
    png = screenshot(browser, tmp_path / "report.png", layout["height"])
    assert _png_colours(png) > 20                    # not blank: text, bars and tables in many shades


def test_the_browser_test_would_see_a_request(browser, tmp_path):
    """The check above can fail: a page that loads an image is caught, even with the proxy dead."""
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><img src="http://203.0.113.9/pixel.png"><p>hi</p></body></html>')
    browser.events.clear()
    open_report(browser, page)
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert "http://203.0.113.9/pixel.png" in requests
    failed = [e for e in browser.events if e.get("method") == "Network.loadingFailed"]
    assert failed, "the dead proxy should make the request fail"


if __name__ == "__main__":  # python tests/test_report.py docs/report.png: the README's screenshot
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/report.png")
    out = out.resolve()
    work = Path(tempfile.mkdtemp())
    shutil.copytree(SAMPLES, work / "incoming")
    _bad_feed(work / "incoming")
    os.chdir(work)                      # inputs named as a user would name them: incoming/…
    path, _ = build([Path("incoming")], Path("out"), "news-sample")
    binary = find_browser()
    if binary is None:
        sys.exit("no chromium found")
    b = Chromium(binary)
    try:
        lay = open_report(b, path / REPORT)
        out.parent.mkdir(parents=True, exist_ok=True)
        screenshot(b, out, 1500)
        print(f"{out}: {len(lay['charts'])} charts, {len(lay['tables'])} tables, page {lay['height']}px high")
        b.call("Emulation.setDeviceMetricsOverride", {"width": 1100, "height": lay["height"],
                                                      "deviceScaleFactor": 1, "mobile": False})
        box = b.evaluate("(() => { const r = document.querySelectorAll('section.example')[1]"
                         ".getBoundingClientRect(); return {x: r.x, y: r.y + window.scrollY, w: r.width, h: r.height}; })()")
        clip = {"x": box["x"] - 10, "y": box["y"] - 10, "width": box["w"] + 20, "height": box["h"] + 20, "scale": 1}
        example = out.with_name(out.stem + "-example.png")
        example.write_bytes(base64.b64decode(b.call("Page.captureScreenshot", {"format": "png", "clip": clip,
                                                                              "captureBeyondViewport": True})["data"]))
        print(f"{example}: the second example article")
    finally:
        b.close()
        shutil.rmtree(work, ignore_errors=True)


def _example_items(page: str) -> list[tuple[str, str]]:
    """(kept|removed, text) of every line of the example sections of a report page."""
    import html

    items = re.findall(r'<li class="(kept|removed)"[^>]*>(?:<span class="tag">[^<]*</span><del>)?(.*?)(?:</del>)?</li>',
                       page, re.S)
    return [(kind, html.unescape(text)) for kind, text in items]


@pytest.mark.parametrize("sample", ["000_dbd554452a004b69.txt", "005_harbour_ferry.html"])
def test_example_lines_are_the_cleaner_s_own_decisions_with_the_input_gone(tmp_path, sample):
    # The text sample has blank lines between its lines, so its line numbers have gaps: the
    # example's order can only come from the kept lines' indices the version stores.
    from cleaner.explain import explain_file

    page_in = tmp_path / "in" / sample
    page_in.parent.mkdir()
    shutil.copy(SAMPLES / sample, page_in)
    [explained] = explain_file(page_in)
    path, tally = build([page_in.parent], tmp_path / "out", "news")
    page_in.unlink()
    page = render_report(path, tally.ledger, "news", path.name)
    expected = [("removed" if m.label else "kept", m.text) for m in explained.lines]
    assert _example_items(page) == expected[:80] and len(expected) > 10
    assert page.count('<li class="removed"') == sum(tally.ledger.removals_by_category.values())
