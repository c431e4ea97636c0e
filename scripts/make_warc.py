#!/usr/bin/env python3
"""Build a WARC (or ARC) file from a benchmark folder of real pages, with the records a crawl has between them.

usage: python scripts/make_warc.py BENCH_DIR OUT.warc.gz [--limit N] [--repeat K]
       python scripts/make_warc.py BENCH_DIR OUT.arc --arc [--limit N]

BENCH_DIR holds html/<id>.html[.gz] and ground-truth.json ({id: {url, articleBody}}), as
/work/shared/benchmarks/scrapinghub does. For each page, in sorted order, the WARC gets what a
crawler writes: a request record, the 200 response holding the page (WARC-Target-URI = the
page's URL from the ground truth), and a metadata record; every third page also a revisit of an
earlier page, an image response (image/png) and a 404 response (text/html). A warcinfo record
opens the file. `--repeat K` writes the whole sequence K times (for timing; the URLs get `#k`).

The records are written with warcio's `WARCWriter` (one gzip member per record for .gz, digests
computed), so the file is what wget, Heritrix or Browsertrix would leave; `--arc` writes the older
ARC v1 layout (a filedesc header, then one "URL IP DATE TYPE LENGTH" line and the HTTP response
per page), which warcio reads and converts.

`expected(BENCH_DIR, limit)` gives the page ids, URLs and bodies a reader must publish from it.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
FETCH_DATE = "2024-03-0{day}T12:00:00Z"


def pages(bench: Path, limit: int | None = None) -> list[tuple[str, str, bytes]]:
    """`(id, url, html bytes)` of the benchmark's pages, sorted by id, the first `limit`."""
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for path in sorted((bench / "html").glob("*.html*")):
        pid = path.name.split(".")[0]
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        url = (truth.get(pid) or {}).get("url") or f"http://example.com/{pid}"
        out.append((pid, url, data))
    return out[:limit] if limit else out


def expected(bench: Path, limit: int | None = None) -> dict[str, str]:
    """What a reader must publish from the file: page URL -> ground-truth body."""
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    return {url: truth[pid]["articleBody"] for pid, url, _ in pages(bench, limit) if pid in truth}


def _http(status: str, content_type: str, body: bytes):
    from warcio.statusandheaders import StatusAndHeaders

    return StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                            protocol="HTTP/1.1")


def write_warc(bench: Path, out: Path, limit: int | None = None, repeat: int = 1) -> dict[str, int]:
    """Write the WARC; return how many records of each kind it holds."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    counts: dict[str, int] = {}

    def add(record) -> None:
        writer.write_record(record)
        kind = record.rec_type
        if kind == "response":
            status = record.http_headers.get_statuscode()
            ctype = record.http_headers.get_header("Content-Type")
            kind = "response" if status == "200" and "html" in ctype else f"response {status} {ctype}"
        counts[kind] = counts.get(kind, 0) + 1

    page_list = pages(bench, limit)
    with open(out, "wb") as stream:
        writer = WARCWriter(stream, gzip=out.name.endswith(".gz"))
        add(writer.create_warcinfo_record(out.name, {"software": "news-cleaner scripts/make_warc.py",
                                                     "format": "WARC File Format 1.1"}))
        for k in range(repeat):
            for n, (pid, url, html) in enumerate(page_list):
                if repeat > 1:
                    url = f"{url}#{k}"
                date = FETCH_DATE.format(day=1 + n % 9)
                req = StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2] if "//" in url else "x")],
                                       is_http_request=True)
                add(writer.create_warc_record(url, "request", http_headers=req, warc_headers_dict={"WARC-Date": date}))
                add(writer.create_warc_record(url, "response", payload=io.BytesIO(html),
                                              http_headers=_http("200 OK", "text/html; charset=utf-8", html),
                                              warc_headers_dict={"WARC-Date": date}))
                meta = f"via: {url}\nhopsFromSeed: L\n".encode()
                add(writer.create_warc_record(url, "metadata", payload=io.BytesIO(meta),
                                              warc_content_type="application/warc-fields"))
                if n % 3 == 2:
                    old = page_list[n - 1][1]
                    add(writer.create_revisit_record(old, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                                     refers_to_uri=old, refers_to_date=date,
                                                     http_headers=_http("304 Not Modified", "text/html", b"")))
                    img = url.rstrip("/") + "/logo.png"
                    add(writer.create_warc_record(img, "response", payload=io.BytesIO(PNG),
                                                  http_headers=_http("200 OK", "image/png", PNG)))
                    gone = url.rstrip("/") + "/missing.html"
                    body = b"<html><body><h1>404 Not Found</h1><p>The page you asked for is not here.</p></body></html>"
                    add(writer.create_warc_record(gone, "response", payload=io.BytesIO(body),
                                                  http_headers=_http("404 Not Found", "text/html", body)))
    return counts


def write_arc(bench: Path, out: Path, limit: int | None = None) -> int:
    """Write an ARC v1 file of the pages (LF line ends, as Heritrix 1 wrote them); return the pages."""
    page_list = pages(bench, limit)
    desc = (b"1 1 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n")
    with open(out, "wb") as stream:
        stream.write(b"filedesc://" + out.name.encode() + b" 0.0.0.0 20240301120000 text/plain "
                     + str(len(desc)).encode() + b"\n" + desc + b"\n")
        for n, (_, url, html) in enumerate(page_list):
            http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                    + str(len(html)).encode() + b"\r\n\r\n" + html)
            stream.write(f"{url} 93.184.216.34 2024030{1 + n % 9}120000 text/html {len(http)}\n".encode()
                         + http + b"\n")
    return len(page_list)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--arc", action="store_true", help="write ARC v1 instead of WARC")
    args = ap.parse_args(argv)
    if args.arc:
        print(f"{args.out}: {write_arc(args.bench, args.out, args.limit)} pages (ARC)")
    else:
        counts = write_warc(args.bench, args.out, args.limit, args.repeat)
        print(f"{args.out}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
