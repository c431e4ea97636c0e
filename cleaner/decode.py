"""Bytes to text: byte-order marks, declared charsets, detection, and the binary test.

A wrong guess leaves mojibake that the repair stage (ftfy) can often undo, which is why nothing here
replaces characters unless the encoding itself says so. `cleaner.read` calls `decode` for a whole
file, `decode_line` for one line of a JSON-lines file, and `binary_kind` before either.
"""
from __future__ import annotations

import codecs
import re

#: Magic numbers of binary files that turn up in scraped folders (thumbnails, PDFs, archives).
#: PDF starts with ASCII, so it is named here rather than left to the NUL-byte test.
BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),          # a .gz file saved without the .gz suffix
    (b"\x7fELF", "ELF executable"),
)

#: Byte-order marks, longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Charset labels that browsers read as another encoding (WHATWG Encoding Standard): pages that
#: declare latin-1 or ASCII are in practice windows-1252, and GB2312 pages use GBK characters.
CHARSET_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "gb2312": "gb18030", "gbk": "gb18030",
}


#: Python text codecs that are not charsets a page can be written in: escapes, DNS encodings,
#: UTF-7 (a classic XSS vector, dropped by browsers), codecs that fail on every byte or exist only
#: on Windows. A page declaring one is read as if it declared nothing.
NOT_CHARSETS = frozenset(("unicode-escape", "raw-unicode-escape", "idna", "punycode", "utf-7", "undefined",
                          "mbcs", "oem", "charmap", "unicode-internal"))

SNIFF_BYTES = 8192           # how much of a file the binary test looks at
META_CHARSET_BYTES = 4096    # where an HTML page must declare its charset to be honoured
#: A valid UTF-8 sequence of two to four bytes (overlong forms and surrogates aside).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_ASCII = bytes(range(128))
#: charset-normalizer's chaos score by which cp1252 may trail its best guess and still win.
CP1252_CHAOS_MARGIN = 0.05
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:+-]+)""", re.IGNORECASE)


def byte_order_mark(data: bytes) -> tuple[str | None, bytes]:
    """The encoding a byte-order mark at the start of `data` names, and the mark itself.

    >>> byte_order_mark("\\ufeffhi".encode("utf-16-le")), byte_order_mark(b"hi")
    (('utf-16', b'\\xff\\xfe'), (None, b''))
    """
    for mark, encoding in BOMS:
        if data.startswith(mark):
            return encoding, mark
    return None, b""


def binary_kind(data: bytes) -> str | None:
    """What the start of `data` looks like when it is not text, else None.

    NUL bytes are normal in UTF-16/32 text, so a file with such a byte-order mark is not binary.

    >>> binary_kind(b"\\x89PNG\\r\\n\\x1a\\n..."), binary_kind(b"a\\x00b"), binary_kind(b"plain")
    ('PNG image', 'NUL bytes', None)
    >>> binary_kind("\\ufeffhi".encode("utf-16-le")) is None
    True
    """
    for magic, name in BINARY_SIGNATURES:
        if data.startswith(magic):
            return name
    if b"\x00" in data[:SNIFF_BYTES] and byte_order_mark(data)[0] in (None, "utf-8"):
        return "NUL bytes"
    return None


def decode(data: bytes, html: bool = False) -> tuple[str, str]:
    """Decode a whole file's bytes; return the text and the encoding used.

    In order: a byte-order mark; UTF-8; for HTML, a charset declared in the first 4 KB; UTF-8 with
    each stray byte read as cp1252, when the file holds valid multi-byte UTF-8 characters as well as
    bytes that are not UTF-8 (mixed encodings, or a few corrupt bytes in a UTF-8 file);
    charset-normalizer's guess; cp1252, or latin-1 when cp1252 cannot decode every byte. A wrong
    guess leaves mojibake that the repair stage (ftfy) can often undo, which is why nothing here
    replaces characters unless the encoding itself says so.

    >>> decode("Caf\\u00e9".encode("utf-16"))
    ('Café', 'utf-16')
    >>> decode(b"\\xef\\xbb\\xbfCaf\\xc3\\xa9")
    ('Café', 'utf-8')
    >>> decode("Caf\\u00e9 cr\\u00e8me\\n".encode() + "d\\u00e9j\\u00e0 vu\\n".encode("cp1252"))
    ('Café crème\\ndéjà vu\\n', 'utf-8+cp1252')
    >>> decode("“Bonjour” \\u00e0 tous".encode() + b" \\xff")
    ('“Bonjour” à tous ÿ', 'utf-8+cp1252')
    >>> decode("Caf\\u00e9 cr\\u00e8me br\\u00fbl\\u00e9e, d\\u00e9j\\u00e0 vu, na\\u00efve Zo\\u00eb".encode("latin-1"))
    ('Café crème brûlée, déjà vu, naïve Zoë', 'cp1252')
    """
    encoding, bom = byte_order_mark(data)
    if encoding is not None and encoding != "utf-8":
        return data[len(bom):].decode(encoding, "replace"), encoding
    data = data[len(bom):]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data[:META_CHARSET_BYTES]) if html else None
    if declared == "cp1252":
        return decode_cp1252(data)
    if declared is not None:
        try:
            return data.decode(declared, "replace"), declared
        except (UnicodeError, LookupError, ValueError, TypeError):
            pass  # a codec that refuses the "replace" handler (idna, punycode): treated as undeclared
    if _mostly_utf8(data):
        return data.decode("utf-8", _CP1252_FALLBACK), "utf-8+cp1252"
    return _detect(data)


def _mostly_utf8(data: bytes) -> bool:
    """True when `data` (which is not all UTF-8: `_decode` tried that first) is UTF-8 with stray
    bytes of another encoding: some line is non-ASCII and valid UTF-8 (a file mixing encodings line
    by line), or valid multi-byte UTF-8 characters make up at least half of the non-ASCII bytes (a
    UTF-8 file with a few corrupt bytes). Legacy text forms valid UTF-8 sequences only by chance,
    and never that often: Chinese in GB18030 forms some, but they stay a minority of its bytes.

    >>> _mostly_utf8("d\\u00e9j\\u00e0".encode() + b"\\xe9"), _mostly_utf8("d\\u00e9j\\u00e0".encode("cp1252"))
    (True, False)
    >>> _mostly_utf8("市议会周二投票决定明年春天关闭旧桥进行维修，官员说。".encode("gb18030"))
    False
    """
    valid = _UTF8_MULTIBYTE.findall(data)
    if not valid:
        return False
    valid_bytes = sum(map(len, valid))
    if valid_bytes * 2 >= len(data.translate(None, _ASCII)):
        return True
    return any(not line.isascii() and _is_utf8(line) for line in data.split(b"\n"))


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as cp1252 (latin-1 where cp1252 has a hole)."""
    return decode_cp1252(error.object[error.start:error.end])[0], error.end


_CP1252_FALLBACK = "news-cleaner-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def _declared_charset(head: bytes) -> str | None:
    """The Python codec for the charset an HTML head declares, if it is a usable one.

    A declared UTF-8 (the bytes are not UTF-8, or we would not be asking) or UTF-16/32 (HTML that
    is parsed as ASCII-compatible bytes cannot be UTF-16) is ignored, as browsers do. So is a
    label that names a Python codec which is not a character encoding: `rot13`, `hex`, `base64`,
    `zlib` (bytes-to-bytes or str-to-str transforms, which `bytes.decode` refuses with LookupError)
    and the text codecs no browser knows as a charset (`unicode_escape`, `idna`, `utf-7`...), which
    would rewrite the page rather than decode it; and an encoding that is not ASCII-compatible
    (EBCDIC `cp037`), since the declaration itself was read as ASCII.

    >>> _declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
    'cp1252'
    >>> _declared_charset(b'<meta charset="koi8-r">'), _declared_charset(b'<meta charset="utf-8">')
    ('koi8-r', None)
    >>> [_declared_charset(f'<meta charset="{c}">'.encode()) for c in ("rot13", "hex", "zlib", "unicode_escape")]
    [None, None, None, None]
    """
    match = _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    try:
        info = codecs.lookup(CHARSET_ALIASES.get(label, label))
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_CHARSETS:
        return None
    try:  # the declaration was found by reading the bytes as ASCII: EBCDIC or UTF-16 cannot be it
        if "<meta charset=".encode(info.name) != b"<meta charset=":
            return None
    except (UnicodeError, LookupError, ValueError, TypeError):
        return None
    return None if info.name.startswith(("utf-8", "utf-16", "utf-32")) else info.name


def _detect(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown legacy encoding with charset-normalizer's best guess.

    charset-normalizer scores Western code pages alike on short texts and then picks one by name
    (cp1250 or cp1257 before cp1252), which turns "déjà" into "déjŕ" or "déją". When cp1252 is
    among its candidates, no more than `CP1252_CHAOS_MARGIN` more chaotic than the best guess and at
    least as coherent, it wins: it is the web's common legacy encoding (browsers read latin-1 as
    cp1252) and the one ftfy's repairs assume. Text in another code page (Cyrillic, Greek, Central
    European) reads as chaos in cp1252 and keeps its own.
    """
    import charset_normalizer  # here, not at import: ~12 ms of every start, for the rare legacy page

    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return decode_cp1252(data)
    for m in matches:
        if ("cp1252" in m.could_be_from_charset and m.chaos <= best.chaos + CP1252_CHAOS_MARGIN
                and m.coherence >= best.coherence):
            return decode_cp1252(data)
    return str(best), best.encoding


def decode_cp1252(data: bytes) -> tuple[str, str]:
    """cp1252, or latin-1 for bytes with no cp1252 character (which keeps every byte).

    >>> decode_cp1252(b"\\x93hi\\x94"), decode_cp1252(b"\\x81")
    (('“hi”', 'cp1252'), ('\\x81', 'latin-1'))
    """
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def decode_line(line: bytes) -> tuple[str, str]:
    """One line of a JSON-lines file: UTF-8; UTF-8 with stray cp1252 bytes; else cp1252 (or latin-1).

    >>> decode_line("é".encode()), decode_line("é".encode("cp1252"))
    (('é', 'utf-8'), ('é', 'cp1252'))
    >>> decode_line('{"text": "caf\\u00e9 '.encode() + b'\\x93hi\\x94"}')
    ('{"text": "café “hi”"}', 'utf-8+cp1252')
    """
    try:
        return line.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(line):
        return line.decode("utf-8", _CP1252_FALLBACK), "utf-8+cp1252"
    return decode_cp1252(line)
