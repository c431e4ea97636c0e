"""One frozen settings object, passed down to every stage; its hash goes into the manifest."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True, slots=True)
class CleanerConfig:
    """Every knob the build depends on. Two builds with equal configs and inputs give equal bytes."""

    # cleaning
    min_body_words: int = 20            # a published article has at least this many words of body
    # cross-document frequency (cleaner.crossdoc): a line on at least crossdoc_min_docs pages of a
    # site, and on at least crossdoc_min_share of them, is the site's furniture outside the story
    crossdoc_min_docs: int = 3          # 0 turns the counting off; a site with fewer pages is not counted
    crossdoc_min_share: float = 0.3
    # reading limits: a record past these is quarantined, not loaded
    max_file_bytes: int = 256 * 2**20   # one input file (after decompression)
    max_record_bytes: int = 16 * 2**20  # one record's raw content (one .txt/.html file, one JSON record)
    follow_links: bool = False          # read through symbolic links that lead out of the input folders
    # the fields (JSON keys, table columns) that hold a record's text, HTML, id and URL
    text_field: str = "text"
    html_field: str = "html"
    id_field: str = "id"
    url_field: str = "url"
    # publishing
    shard_rows: int = 20_000            # articles per Parquet shard
    row_group_rows: int = 2_000
    compression: str = "zstd"
    # dedup
    near_dup_threshold: float = 0.7     # MinHash Jaccard (5-word shingles) at or above which two bodies are one story
    minhash_perm: int = 128
    shingle_words: int = 5
    lsh_bands: int = 32                 # LSH bands of minhash_perm // lsh_bands rows; more bands find more candidates

    def to_dict(self) -> dict:
        return asdict(self)

    def fingerprint(self) -> str:
        """sha256 of the settings, the same for the same values in any process.

        >>> CleanerConfig().fingerprint() == CleanerConfig().fingerprint()
        True
        >>> CleanerConfig().fingerprint() == CleanerConfig(min_body_words=5).fingerprint()
        False
        """
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def with_(self, **changes) -> "CleanerConfig":
        return replace(self, **changes)


DEFAULT_CONFIG = CleanerConfig()
