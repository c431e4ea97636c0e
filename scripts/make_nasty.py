"""Nasty inputs for the bad-input tests: the small ones live in tests/nasty/, the big ones are made here.

Every reader must survive these: empty and whitespace-only files, wrong and mixed encodings, broken
gzip, binary files with text names, broken JSON lines, HTML without a body or nested 100,000 levels
deep, decompression bombs and pages that declare external entities. The tests build the big files
into a temporary folder at test time (each in well under a second); the small ones are committed so a
person can open them.

    python scripts/make_nasty.py --small tests/nasty     # rewrite the committed small fixtures
    python scripts/make_nasty.py --big /tmp/nasty        # write the big ones to look at

Nothing here is random: the same call writes the same bytes.
"""
from __future__ import annotations

import argparse
import gzip
import json
import zlib
from pathlib import Path

#: A real-looking story, long enough (well over 20 words) to pass the contract once cleaned.
TITLE = "Harbour bridge to close for repairs next spring"
BODY = [
    "The town council voted on Tuesday to close the old harbour bridge for six months next spring, "
    "after engineers found cracks in two of its stone arches during an inspection in May.",
    "Repairs will cost about 1.2 million euros, paid for by the regional government, and a "
    "temporary ferry will carry pedestrians across the harbour while the work goes on.",
    "“We had no choice,” said the mayor, who called the decision painful but necessary for a "
    "bridge that thousands of people cross every day.",
]
STORY = TITLE + "\n\n" + "\n\n".join(BODY) + "\n"

#: Words that only the non-ASCII fixtures hold, so a test can see they were decoded right.
ACCENTED_TITLE = "Café owners in Pärnu welcome the déjà-vu summer crowds"
ACCENTED_BODY = ("The café on the quay, run by Zoë Müller since 1998, served more crème brûlée this "
                 "week than in all of last summer, she said, as visitors crowded the señor’s old "
                 "pier for the naïve-art festival and the harbour’s first open-air concert.")
ACCENTED_STORY = ACCENTED_TITLE + "\n\n" + ACCENTED_BODY + "\n"


def _jsonl(*records: object) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def _record(i: int, **fields) -> dict:
    """A good JSONL record (title and body), with fields added or replaced."""
    base = {"id": f"rec-{i}", "title": f"{TITLE} ({i})", "text": "\n\n".join(BODY) + f" Record {i}."}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}


#: File name -> bytes of every small fixture in tests/nasty/.
SMALL: dict[str, bytes] = {
    # files with nothing, or nothing left once cleaned
    "empty.txt": b"",
    "whitespace_only.txt": b"   \n\t\n \r\n\n  \n",
    "only_boilerplate.txt": ("Related Articles\n\nSponsored Content\n\nBack to top button\n\n"
                             "Adblock Detected\n\nLeave a Reply\n").encode(),
    # encodings
    "invalid_utf8.txt": STORY.encode()[:-1] + b" \xff\xfe\xc3\x28 \x80 end.\n",
    "utf16_bom.txt": ACCENTED_STORY.encode("utf-16"),           # Python writes the BOM
    "windows1252.txt": ACCENTED_STORY.replace("’", "'").encode("cp1252")[:-1]
    + " \u201cquoted\u201d \u2013 \u20ac5.\n".encode("cp1252"),
    "latin1.txt": ACCENTED_STORY.replace("’", "'").encode("latin-1"),
    "mixed_encodings.txt": (ACCENTED_TITLE + "\n\n").encode("utf-8") + (ACCENTED_BODY.replace("’", "'")
                                                                      + "\n").encode("cp1252"),
    # broken containers and binaries with text names
    "truncated.txt.gz": gzip.compress(STORY.encode() * 20, mtime=0)[:200],
    "corrupt.jsonl.gz": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(40, 240)) * 3,
    "binary.txt": bytes(range(256)) * 8,
    "image.html": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
                   b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
                   b"\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"),
    # JSON lines, one problem per file, each next to good records
    "malformed_line.jsonl": _jsonl(_record(1)) + b'{"id": "rec-2", "text": "cut off\n' + _jsonl(_record(3)),
    "not_an_object.jsonl": _jsonl(_record(1), ["a", "list"], "a string", 42, None, _record(6)),
    "missing_text.jsonl": _jsonl(_record(1), _record(2, text=...), _record(3)),
    "text_not_a_string.jsonl": _jsonl(_record(1), _record(2, text=["para one", "para two"]),
                                      _record(3, text=12345), _record(4)),
    "wrong_types.jsonl": _jsonl(_record(1), _record(2, title=7, authors={"name": "Ann"}),
                                _record(3, published=20240601, url=["http://x"]), _record(4, id=True)),
    "duplicate_ids.jsonl": _jsonl(_record(1), _record(2, id="rec-1"), _record(3)),
    "deeply_nested.json": b"[" * 100_000 + b"]" * 100_000,
    # HTML with nothing to publish
    "no_body.html": (b"<!DOCTYPE html><html><head><title>" + TITLE.encode()
                     + b"</title><meta charset='utf-8'></head></html>"),
    "scripts_only.html": (b"<html><head><title>" + TITLE.encode() + b"</title><script>var a = 1;</script>"
                          b"</head><body><script>document.write('hello world');</script><noscript>"
                          b"Please enable JavaScript.</noscript><style>p{color:red}</style></body></html>"),
}


# --- big files, written at test time ---------------------------------------------------------------

def big_record_jsonl(path: Path, megabytes: int = 50) -> Path:
    """A JSONL file whose second line is one record of `megabytes` MB (a good record on each side)."""
    para = "\n\n".join(BODY) + "\n\n"
    n = megabytes * 2**20 // len(para.encode()) + 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(_record(1)) + "\n")
        f.write('{"id": "huge", "title": "' + TITLE + '", "text": ')
        f.write(json.dumps(para * n))
        f.write("}\n")
        f.write(json.dumps(_record(3)) + "\n")
    return path


def gzip_bomb(path: Path, gigabytes: float = 4.0, byte: bytes = b"\n") -> Path:
    """A small gzip file that inflates to `gigabytes` GB of one byte repeated.

    One 16 MB member is compressed once (to about 16 KB) and written again and again: a gzip file
    may hold many members back to back, and readers inflate them as one stream. The file is about
    gigabytes × 1 MB on disk; it takes a fraction of a second to write.
    """
    member = gzip.compress(byte * (16 * 2**20), compresslevel=9, mtime=0)
    with open(path, "wb") as f:
        for _ in range(int(gigabytes * 64)):
            f.write(member)
    return path


def deep_html(path: Path, levels: int = 100_000) -> Path:
    """A page whose story sits inside `levels` nested <div>s (about 11 bytes a level)."""
    story = "".join(f"<p>{p}</p>" for p in BODY)
    page = (f"<!DOCTYPE html><html><head><title>{TITLE}</title></head><body>" + "<div>" * levels
            + story + "</div>" * levels + "</body></html>")
    path.write_text(page, encoding="utf-8")
    return path


def huge_attribute_html(path: Path, megabytes: int = 8) -> Path:
    """A real story whose container carries a `megabytes` MB class attribute and data-* value."""
    junk = "x" * (megabytes * 2**20 // 2)
    story = "".join(f"<p>{p}</p>" for p in BODY)
    page = (f'<!DOCTYPE html><html><head><title>{TITLE}</title></head><body>'
            f'<article class="{junk}" data-blob="{junk}"><h1>{TITLE}</h1>{story}</article></body></html>')
    path.write_text(page, encoding="utf-8")
    return path


def external_entity_html(path: Path, secret_file: Path, url: str) -> Path:
    """An XHTML page that declares external entities (a local file and a URL) and a billion-laughs
    chain, and uses them in its story. A parser that resolved them would leak the file's content,
    fetch the URL, or inflate the laughs to gigabytes."""
    laughs = "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10))
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html [\n'
        f'  <!ENTITY secret SYSTEM "file://{secret_file}">\n'
        f'  <!ENTITY remote SYSTEM "{url}">\n'
        f'  <!ENTITY % param SYSTEM "{url}param.dtd">\n  %param;\n'
        '  <!ENTITY lol0 "lol">\n  ' + laughs + '\n]>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{TITLE}</title></head><body><article>'
        f'<h1>{TITLE}</h1><p>{BODY[0]} &secret;</p><p>{BODY[1]} &remote;</p><p>{BODY[2]} &lol9;</p>'
        '</article></body></html>\n')
    path.write_text(page, encoding="utf-8")
    return path


def write_small(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in SMALL.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


def write_big(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret.txt").write_text("TOP-SECRET-CONTENT\n")
    return [
        big_record_jsonl(folder / "big_record.jsonl"),
        gzip_bomb(folder / "bomb.txt.gz"),
        gzip_bomb(folder / "bomb.jsonl.gz"),
        deep_html(folder / "deep.html"),
        huge_attribute_html(folder / "huge_attribute.html"),
        external_entity_html(folder / "external_entity.html", folder / "secret.txt", "http://127.0.0.1:9/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=Path, help="write the small fixtures to this folder")
    parser.add_argument("--big", type=Path, help="write the big fixtures to this folder")
    args = parser.parse_args()
    if not (args.small or args.big):
        parser.error("give --small FOLDER and/or --big FOLDER")
    for folder, write in ((args.small, write_small), (args.big, write_big)):
        if folder:
            for p in write(folder):
                print(f"{p.stat().st_size:>12,}  {p}")


if __name__ == "__main__":
    main()
