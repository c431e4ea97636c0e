"""The stages joined: read → clean → validate → dedup → publish, streaming, with a counts ledger.

Each stage is a generator over records, so memory holds one validation batch and one Parquet
shard, not the corpus. Every input record ends as exactly one of published, quarantined or
duplicate, and the `Ledger` counts them as they go.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cleaner import __version__
from cleaner.clean import clean_article
from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.dedup import ExactDeduper
from cleaner.publish import Duplicate, Ledger, VersionWriter
from cleaner.read import iter_input_files, read_file
from cleaner.records import Article, Quarantined
from cleaner.rules import RULES_VERSION
from cleaner.validate import validate_articles

VALIDATION_BATCH = 2_000
Outcome = Article | Quarantined | Duplicate


def clean_records(records: Iterable[Article | Quarantined], config: CleanerConfig = DEFAULT_CONFIG
                  ) -> Iterator[Article | Quarantined]:
    """Clean each article; one that makes the cleaner fail is quarantined with the error, not lost."""
    for rec in records:
        if isinstance(rec, Quarantined):
            yield rec
            continue
        try:
            yield clean_article(rec, config)
        except (ValueError, TypeError, KeyError, IndexError, RecursionError, UnicodeError, AttributeError) as exc:
            yield Quarantined(source=rec.source, stage="clean", checks=["clean.error"],
                              reasons=[f"the cleaner failed: {type(exc).__name__}: {exc}"], raw=rec.raw, id=rec.id)


def validate_records(items: Iterable[Article | Quarantined], config: CleanerConfig = DEFAULT_CONFIG,
                     batch: int = VALIDATION_BATCH) -> Iterator[Article | Quarantined]:
    """Validate articles against the contract in batches; quarantined records pass through."""
    pending: list[Article] = []
    for item in items:
        if isinstance(item, Quarantined):
            yield item
            continue
        pending.append(item)
        if len(pending) >= batch:
            yield from _validated(pending, config)
            pending = []
    if pending:
        yield from _validated(pending, config)


def _validated(articles: list[Article], config: CleanerConfig) -> Iterator[Article | Quarantined]:
    good, bad = validate_articles(articles, config)
    yield from good
    yield from bad


def dedup_records(items: Iterable[Article | Quarantined], deduper: ExactDeduper | None = None) -> Iterator[Outcome]:
    """Turn repeats of an already-kept article into `Duplicate`s."""
    deduper = deduper or ExactDeduper()
    for item in items:
        if isinstance(item, Article):
            dup = deduper.check(item)
            yield dup if dup is not None else item
        else:
            yield item


def process_file(path: Path, config: CleanerConfig, deduper: ExactDeduper) -> Iterator[Outcome]:
    """Every record of one file, read, cleaned, validated and checked against what was kept before."""
    return dedup_records(validate_records(clean_records(read_file(path, config), config), config), deduper)


def process(paths: Iterable[str | Path], config: CleanerConfig = DEFAULT_CONFIG) -> Iterator[Outcome]:
    """Every input record's outcome, in input order (files sorted, records in file order)."""
    deduper = ExactDeduper()
    for path in iter_input_files(paths):
        yield from process_file(path, config, deduper)


@dataclass
class Tally:
    """Counts kept while records stream past: the ledger plus what the summary table shows."""

    ledger: Ledger = field(default_factory=Ledger)
    files: int = 0
    started: float = field(default_factory=time.perf_counter)

    def add(self, outcome: Outcome) -> None:
        led = self.ledger
        led.inputs += 1
        if isinstance(outcome, Article):
            led.published += 1
            cats = Counter(r.category for r in outcome.removals)
            rules = Counter(r.rule for r in outcome.removals)
            for k, v in cats.items():
                led.removals_by_category[k] = led.removals_by_category.get(k, 0) + v
            for k, v in rules.items():
                led.removals_by_rule[k] = led.removals_by_rule.get(k, 0) + v
        elif isinstance(outcome, Quarantined):
            led.quarantined += 1
            for c in outcome.checks:
                led.quarantine_by_check[c] = led.quarantine_by_check.get(c, 0) + 1
        else:
            led.duplicates += 1


ProgressHook = Callable[[str, int], None]  # (event, amount): "file" when a file is done, "record" per record


def build(paths: Iterable[str | Path], out_dir: str | Path, name: str, version: str | None = None,
          config: CleanerConfig = DEFAULT_CONFIG, *, parent: str | None = None,
          on_progress: ProgressHook | None = None) -> tuple[Path, Tally]:
    """Clean, validate, dedup and publish `paths` as `out_dir/name/version`; return its path and counts."""
    tally = Tally()
    deduper = ExactDeduper()
    with VersionWriter(Path(out_dir), name, version, config, parent=parent,
                       tool_version=__version__, rules_version=RULES_VERSION) as writer:
        inputs: dict[str, str] = {}
        for path in iter_input_files(paths):
            pending: dict[type, list] = {Article: [], Quarantined: [], Duplicate: []}
            for outcome in process_file(path, config, deduper):
                tally.add(outcome)
                inputs.setdefault(str(path), outcome.source.sha256)
                batch = pending[type(outcome)]
                batch.append(outcome)
                if len(batch) >= config.row_group_rows:
                    _flush(writer, pending)
                if on_progress:
                    on_progress("record", 1)
            _flush(writer, pending)
            tally.files += 1
            if on_progress:
                on_progress("file", 1)
        writer.add_inputs(inputs)
        final = writer.commit(tally.ledger, {"files": tally.files})
    return final, tally


def _flush(writer: VersionWriter, pending: dict[type, list]) -> None:
    writer.add_articles(pending[Article])
    writer.add_quarantined(pending[Quarantined])
    writer.add_duplicates(pending[Duplicate])
    for batch in pending.values():
        batch.clear()
