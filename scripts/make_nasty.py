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

#: Other stories, all different, so that no fixture is a (near) duplicate of another: the dedup
#: stage would otherwise report them as repeats instead of publishing them.
STORIES = [
    ("Library opens its doors on Sundays from March",
     ["The central library will open on Sundays from the first week of March, the culture office "
      "announced, after a petition signed by more than four thousand residents.",
      "Extra staff will be hired for the weekend shifts, and the reading rooms on the upper floor "
      "will stay open until six in the evening."]),
    ("Fishermen report the best herring season in a decade",
     ["Boats returning to the northern ports this week landed more herring than in any autumn "
      "since 2013, according to figures from the fishing cooperative.",
      "Biologists said warmer currents had pushed the shoals closer to the coast, but warned that "
      "the quota for next year would depend on a survey in January."]),
    ("School buses switch to electric engines",
     ["All twelve buses that carry pupils to the district's schools will run on batteries by the "
      "end of the year, the transport department said on Monday.",
      "Charging points are being installed at the depot behind the sports hall, and drivers have "
      "started a two-week training course."]),
    ("Storm knocks out power to thousands of homes",
     ["Winds of up to 120 kilometres an hour brought down lines across the valley overnight, "
      "leaving some eight thousand households without electricity on Wednesday morning.",
      "Crews worked through the day to restore supply, and the utility said most customers "
      "should be reconnected before nightfall."]),
    ("Old cinema to become a music school",
     ["The cinema on Market Street, closed since 2019, will reopen next autumn as a music school "
      "with practice rooms and a small concert hall, its new owners said.",
      "The façade and the neon sign will be restored, while the projection room is to become a "
      "recording studio open to local bands."]),
    ("Hospital waiting times fall for the third month",
     ["Patients waited an average of 41 minutes in the emergency department in October, down from "
      "58 minutes in July, the regional health authority reported.",
      "Managers credited a new triage nurse rota and four extra beds in the short-stay ward, "
      "though unions said staffing remained tight at night."]),
    ("Farmers' market moves to the riverside",
     ["The Saturday farmers' market will leave the car park behind the town hall and set up on the "
      "riverside promenade from next month, traders voted at their annual meeting.",
      "Stallholders hope the new site will draw walkers and cyclists, and the council has promised "
      "a water supply and covered seating near the old mill."]),
    ("Volunteers plant ten thousand trees on the hillside",
     ["More than three hundred volunteers spent the weekend planting oak, beech and rowan saplings "
      "on the slope above the quarry, which burned in a wildfire two summers ago.",
      "The forestry service supplied the trees and tools, and pupils from two primary schools "
      "will return in spring to measure how many have taken root."]),
]

#: Stories with accents: each non-UTF-8 fixture holds a different one, and a test checks its words.
ACCENTED = {
    "utf16_bom.txt": ("Café owners in Pärnu welcome the déjà-vu summer crowds",
                      "The café on the quay, run by Zoë Müller since 1998, served more crème brûlée this "
                      "week than in all of last summer, she said, as visitors crowded the old pier for the "
                      "naïve-art festival and the harbour's first open-air concert."),
    "windows1252.txt": ("Señor Ibáñez wins the Zürich pastry prize",
                        "The baker from the old town, José Ibáñez, took first place in Zürich with a "
                        "piñata-shaped gâteau, beating forty rivals; the jury praised its crème fraîche "
                        "filling and said the “façade” of spun sugar was a masterpiece worth €5,000."),
    "latin1.txt": ("Björk fans fill the Göteborg arena twice",
                   "Both concerts at the Göteborg arena sold out within an hour, and fans from Malmö, "
                   "Århus and Tromsø queued through the night; the singer thanked the crowd in Icelandic "
                   "and closed with a song she had not performed since her début tour."),
    "mixed_encodings.txt": ("Crêpe stand on the Côte d'Azur marks its fiftieth year",
                            "Hélène Lefèvre opened her crêpe stand on the beach at Cagnes in 1975 and "
                            "still folds the first galette herself each morning; her grandson André "
                            "plans a small celebration with free crêpes and a brass band on Sunday."),
}

#: JSON-lines records with accents, for the JSONL encoding fixtures.
ACCENTED_RECORDS = {
    "mixed_encodings.jsonl": [
        {"id": "enc-1", "title": "Müller's bakery reopens after the flood",
         "text": "The bakery on Brückenstraße, run by the Müller family for three generations, reopened on "
                 "Friday after the spring flood ruined its ovens; the first loaves of Roggenbrot sold out "
                 "before nine, and neighbours brought flowers for the counter."},
        {"id": "enc-2", "title": "Fête de la musique fills the old port",
         "text": "Thousands danced on the quays of the old port for the fête de la musique, where Amélie "
                 "Durand's brass quintet played until dawn and the café terraces stayed open long after "
                 "the last ferry had left for the islands."},
    ],
    "utf16.jsonl": [
        {"id": "u16-1", "title": "Ferry timetable changes on the Øresund route",
         "text": "From Monday the ferries between Helsingør and Helsingborg will sail every twenty minutes "
                 "instead of every quarter hour, the operator said, citing a shortage of crews and the "
                 "repair of one of its four ships in Ålborg."},
        {"id": "u16-2", "title": "Mountain hut on the Großglockner trail rebuilt",
         "text": "Volunteers from the alpine club finished rebuilding the hut below the Großglockner "
                 "summit, which an avalanche destroyed two winters ago; it sleeps twenty hikers and has a "
                 "solar-powered kitchen and a radio for emergencies."},
    ],
}


def _story(i: int) -> tuple[str, str]:
    """Title and body of `STORIES[i]`, with the body's paragraphs joined by a blank line."""
    title, paras = STORIES[i % len(STORIES)]
    return title, "\n\n".join(paras)


def _jsonl(*records: object) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def _record(i: int, **fields) -> dict:
    """A good JSONL record (id, title and the body of story `i`), with fields added, replaced or,
    given as `...`, taken out."""
    title, body = _story(i)
    base = {"id": f"rec-{i}", "title": title, "text": body}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}


def _accented(name: str, encoding: str) -> bytes:
    title, body = ACCENTED[name]
    return (title + "\n\n" + body + "\n").encode(encoding)


#: File name -> bytes of every small fixture in tests/nasty/.
SMALL: dict[str, bytes] = {
    # files with nothing, or nothing left once cleaned
    "empty.txt": b"",
    "whitespace_only.txt": b"   \n\t\n \r\n\n  \n",
    "only_boilerplate.txt": ("Related Articles\n\nSponsored Content\n\nBack to top button\n\n"
                             "Adblock Detected\n\nLeave a Reply\n").encode(),
    # encodings
    "invalid_utf8.txt": STORY.encode()[:-1] + b" \xff\xfe\xc3\x28 \x80 end.\n",   # the only file with STORY
    "utf16_bom.txt": _accented("utf16_bom.txt", "utf-16"),          # Python writes the BOM
    "windows1252.txt": _accented("windows1252.txt", "cp1252"),
    "latin1.txt": _accented("latin1.txt", "latin-1"),
    "mixed_encodings.txt": (ACCENTED["mixed_encodings.txt"][0] + "\n\n").encode("utf-8")
    + (ACCENTED["mixed_encodings.txt"][1] + "\n").encode("cp1252"),
    # JSON lines: one line UTF-8, the next cp1252; a whole file in UTF-16 with a BOM
    "mixed_encodings.jsonl": (json.dumps(ACCENTED_RECORDS["mixed_encodings.jsonl"][0], ensure_ascii=False) + "\n").encode()
    + (json.dumps(ACCENTED_RECORDS["mixed_encodings.jsonl"][1], ensure_ascii=False) + "\n").encode("cp1252"),
    "utf16.jsonl": "".join(json.dumps(r, ensure_ascii=False) + "\n"
                           for r in ACCENTED_RECORDS["utf16.jsonl"]).encode("utf-16"),
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
    para = _story(7)[1] + "\n\n"
    n = megabytes * 2**20 // len(para.encode()) + 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(_record(1)) + "\n")
        f.write('{"id": "huge", "title": "' + TITLE + '", "text": ')
        f.write(json.dumps(para * n))
        f.write("}\n")
        f.write(json.dumps(_record(2)) + "\n")
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
    title, paras = STORIES[5]
    story = "".join(f"<p>{p}</p>" for p in paras)
    page = (f'<!DOCTYPE html><html><head><title>{title}</title></head><body>'
            f'<article class="{junk}" data-blob="{junk}"><h1>{title}</h1>{story}</article></body></html>')
    path.write_text(page, encoding="utf-8")
    return path


def external_entity_html(path: Path, secret_file: Path, url: str) -> Path:
    """An XHTML page that declares external entities (a local file and a URL) and a billion-laughs
    chain, and uses them in its story. A parser that resolved them would leak the file's content,
    fetch the URL, or inflate the laughs to gigabytes."""
    title, paras = STORIES[6]
    laughs = "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10))
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html [\n'
        f'  <!ENTITY secret SYSTEM "file://{secret_file}">\n'
        f'  <!ENTITY remote SYSTEM "{url}">\n'
        f'  <!ENTITY % param SYSTEM "{url}param.dtd">\n  %param;\n'
        '  <!ENTITY lol0 "lol">\n  ' + laughs + '\n]>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title></head><body><article>'
        f'<h1>{title}</h1><p>{paras[0]} &secret;</p><p>{paras[1]} &remote; &lol9;</p>'
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
