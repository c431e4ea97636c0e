"""The CI gate: clean and validate inputs without publishing, and report every record that fails.

`run_check` streams the inputs through the same stages as `cleaner run` (`cleaner.pipeline.process`)
and keeps only what a report needs: per-file record counts and one `Failure` per quarantined record
(file, line or record number, the failed checks, the reasons and a short excerpt of the raw input).
Nothing is written. The reports a CI system can display are plain functions of the result:

- `text`: a rich table, one row per failing record, and a summary line;
- `json`: everything, for scripts;
- `junit`: JUnit XML, one test case per input file and one failure per bad record;
- `github`: `::error file=…,line=…::…` workflow commands, which GitHub shows on the diff;
- `markdown`: a summary and a table, for a pull-request comment.

The gate fails (exit 1) when the share of quarantined records passes `max_quarantine_rate`; the
default, 0, fails on the first bad record. Duplicates are not failures: they are reported by count.
"""
from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.records import Article, Skipped

FORMATS = ("text", "json", "junit", "github", "markdown")
EXCERPT_CHARS = 80
MARKDOWN_MAX_ROWS = 100   # a PR comment has a size limit; the rest is counted, not listed
TEXT_MAX_ROWS = 1_000     # a terminal table past this helps nobody; json and junit list every record

_SPACES = re.compile(r"\s+")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def excerpt(raw: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a record's raw content on one line, cut at `limit` characters.

    >>> excerpt("  Title\\n\\n  first   line of the body  ")
    'Title first line of the body'
    >>> excerpt("x" * 100, 10)
    'xxxxxxxxx…'
    """
    text = _SPACES.sub(" ", raw[: limit * 4]).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(slots=True)
class Failure:
    """One record that did not meet the contract (or could not be read or cleaned)."""

    path: str
    line: int
    stage: str
    checks: list[str]
    reasons: list[str]
    excerpt: str
    id: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class CheckResult:
    """What the gate found: counts, per-file record counts and every failing record, in input order."""

    files: dict[str, int] = field(default_factory=dict)    # input file -> records read from it
    failures: list[Failure] = field(default_factory=list)
    inputs: int = 0
    passed: int = 0
    duplicates: int = 0
    max_quarantine_rate: float = 0.0
    skipped: dict[str, int] = field(default_factory=dict)  # records that are not articles, by kind (WARC)

    @property
    def quarantined(self) -> int:
        return len(self.failures)

    @property
    def quarantine_rate(self) -> float:
        """Quarantined records over input records (0 when there were none).

        >>> CheckResult(inputs=4, failures=[Failure("f", 1, "read", [], [], "")]).quarantine_rate
        0.25
        """
        return self.quarantined / self.inputs if self.inputs else 0.0

    @property
    def ok(self) -> bool:
        """True when the quarantine rate is within the limit (with the default 0: no bad record at all)."""
        return self.quarantine_rate <= self.max_quarantine_rate

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self) -> str:
        """One line with the counts and the verdict.

        >>> CheckResult(files={"a.jsonl": 2}, inputs=2, passed=2).summary()
        'PASS: 1 file, 2 records: 2 passed, 0 failed, 0 duplicates (quarantine rate 0.0%, limit 0.0%)'
        """
        n = len(self.files)
        return (f"{'PASS' if self.ok else 'FAIL'}: {n} file{'s' if n != 1 else ''}, {self.inputs} records: "
                f"{self.passed} passed, {self.quarantined} failed, {self.duplicates} duplicates "
                f"(quarantine rate {self.quarantine_rate:.1%}, limit {self.max_quarantine_rate:.1%})"
                + (f"; {sum(self.skipped.values())} records not articles ("
                   + ", ".join(f"{k} {n}" for k, n in sorted(self.skipped.items())) + ")" if self.skipped else ""))

    def to_dict(self) -> dict:
        return {
            "ok": self.ok, "exit_code": self.exit_code,
            "counts": {"files": len(self.files), "inputs": self.inputs, "passed": self.passed,
                       "failed": self.quarantined, "duplicates": self.duplicates},
            "quarantine_rate": self.quarantine_rate, "max_quarantine_rate": self.max_quarantine_rate,
            "skipped_by_kind": dict(sorted(self.skipped.items())),
            "files": [{"path": p, "records": n, "failed": sum(1 for f in self.failures if f.path == p)}
                      for p, n in self.files.items()],
            "failures": [asdict(f) for f in self.failures],
        }


def run_check(inputs: Iterable[str | Path], config: CleanerConfig = DEFAULT_CONFIG,
              max_quarantine_rate: float = 0.0, executor=None) -> CheckResult:
    """Clean and validate every record of `inputs`; publish nothing.

    `executor` (from `cleaner.executors.make_executor`) spreads the shards over workers; the
    result is the same whatever it is. Raises FileNotFoundError for an input path that does not
    exist (the CLI's exit 2).
    """
    from cleaner.dedup import entry_for, find_duplicates
    from cleaner.pipeline import process
    from cleaner.read import display_path, iter_input_files

    inputs = list(inputs)
    result = CheckResult(max_quarantine_rate=max_quarantine_rate)
    for path in iter_input_files(inputs, config.follow_links):  # files that hold no record still get a test case
        result.files.setdefault(display_path(path), 0)
    entries = []
    for outcome in process(inputs, config, executor):
        if isinstance(outcome, Skipped):  # a WARC request, image, 404: not a record to pass or fail
            result.skipped[outcome.kind] = result.skipped.get(outcome.kind, 0) + 1
            continue
        result.inputs += 1
        result.files[outcome.source.path] = result.files.get(outcome.source.path, 0) + 1
        if isinstance(outcome, Article):
            # Keyed by place: two records may share an id (the same story sent twice).
            entries.append(replace(entry_for(outcome, (len(entries),), config), id=str(len(entries))))
        else:
            result.failures.append(Failure(outcome.source.path, outcome.source.index, outcome.stage,
                                           list(outcome.checks), list(outcome.reasons), excerpt(outcome.raw),
                                           outcome.id))
    # Exact and near copies, found and kept by the same rule as `cleaner run`: the counts agree.
    result.duplicates = len(find_duplicates(entries, config))
    result.passed = len(entries) - result.duplicates
    order = {p: i for i, p in enumerate(result.files)}
    result.failures.sort(key=lambda f: (order.get(f.path, len(order)), f.line))  # a file's read errors come out before its batch
    return result


# -- reports -------------------------------------------------------------------------------------------

def render(result: CheckResult, fmt: str, *, color: bool = False, width: int = 120) -> str:
    """The report in format `fmt` (one of `FORMATS`) as a string."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return {"text": lambda r: render_text(r, color=color, width=width), "json": render_json,
            "junit": render_junit, "github": render_github, "markdown": render_markdown}[fmt](result)


def render_text(result: CheckResult, *, color: bool = False, width: int = 120) -> str:
    """A rich table of the failing records and the summary line."""
    from rich.console import Console
    from rich.table import Table

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False)
    if result.failures:
        t = Table(title=f"{result.quarantined} record{'s' if result.quarantined != 1 else ''} failed",
                  title_justify="left")
        t.add_column("file:line", overflow="fold", style="cyan")
        t.add_column("check", style="bold")
        t.add_column("reason", overflow="fold")
        t.add_column("excerpt", overflow="fold", style="dim")
        for f in result.failures[:TEXT_MAX_ROWS]:
            t.add_row(f.where, "\n".join(f.checks), "\n".join(f.reasons), f.excerpt)
        console.print(t)
        if result.quarantined > TEXT_MAX_ROWS:
            console.print(f"… and {result.quarantined - TEXT_MAX_ROWS:,} more failing records "
                          "(--format json or junit lists them all)")
    style = "bold green" if result.ok else "bold red"
    console.print(f"[{style}]{result.summary()}[/]")
    return buf.getvalue()


def render_json(result: CheckResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _xml_text(s: str) -> str:
    return _XML_BAD.sub("\ufffd", s)


def render_junit(result: CheckResult) -> str:
    """JUnit XML: one `<testcase>` per input file, one `<failure>` per bad record in it."""
    by_file: dict[str, list[Failure]] = {p: [] for p in result.files}
    for f in result.failures:
        by_file.setdefault(f.path, []).append(f)
    failed_files = sum(1 for fs in by_file.values() if fs)
    suites = ET.Element("testsuites", name="cleaner check", tests=str(len(by_file)), failures=str(failed_files))
    suite = ET.SubElement(suites, "testsuite", name="cleaner check", tests=str(len(by_file)),
                          failures=str(failed_files), errors="0", skipped="0")
    for path, fails in by_file.items():
        case = ET.SubElement(suite, "testcase", classname="cleaner.check", name=_xml_text(path))
        for f in fails:
            el = ET.SubElement(case, "failure", type=",".join(f.checks) or f.stage,
                               message=_xml_text(f"{f.where}: {'; '.join(f.reasons)}"))
            el.text = _xml_text("\n".join([f"{f.where} ({f.stage})",
                                           *[f"{c}: {r}" for c, r in zip(f.checks, f.reasons)],
                                           f"excerpt: {f.excerpt}"]))
        records = result.files.get(path, 0)
        ET.SubElement(case, "system-out").text = f"{records} records, {len(fails)} failed"
    props = ET.SubElement(suite, "properties")
    for k, v in (("inputs", result.inputs), ("passed", result.passed), ("failed", result.quarantined),
                 ("duplicates", result.duplicates), ("quarantine_rate", f"{result.quarantine_rate:.6f}"),
                 ("max_quarantine_rate", f"{result.max_quarantine_rate:.6f}")):
        ET.SubElement(props, "property", name=k, value=str(v))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _gh_data(s: str) -> str:
    """Escape the message of a GitHub workflow command.

    >>> _gh_data("50% done\\nnext")
    '50%25 done%0Anext'
    """
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    """Escape a property value (file, title) of a GitHub workflow command.

    >>> _gh_prop("a,b:c")
    'a%2Cb%3Ac'
    """
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands: one `::error` annotation per bad record, then a summary."""
    lines = []
    for f in result.failures:
        lines.append(f"::error file={_gh_prop(f.path)},line={f.line},title={_gh_prop('cleaner check: ' + ', '.join(f.checks))}"
                     f"::{_gh_data('; '.join(f.reasons) + ' | ' + f.excerpt)}")
    level = "notice" if result.ok else "error"
    lines.append(f"::{level} title=cleaner check::{_gh_data(result.summary())}")
    return "\n".join(lines) + "\n"


def _md_cell(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("`", "'")


def render_markdown(result: CheckResult) -> str:
    """A pull-request comment: verdict, counts, and a table of the failing records."""
    icon = "✅" if result.ok else "❌"
    lines = [f"### {icon} cleaner check: {'passed' if result.ok else 'failed'}", "",
             "| files | records | passed | failed | duplicates | quarantine rate | limit |",
             "|---:|---:|---:|---:|---:|---:|---:|",
             f"| {len(result.files)} | {result.inputs} | {result.passed} | {result.quarantined} | "
             f"{result.duplicates} | {result.quarantine_rate:.1%} | {result.max_quarantine_rate:.1%} |", ""]
    if result.failures:
        lines += ["| file:line | check | reason | excerpt |", "|---|---|---|---|"]
        for f in result.failures[:MARKDOWN_MAX_ROWS]:
            lines.append(f"| `{_md_cell(f.where)}` | {_md_cell(', '.join(f.checks))} | "
                         f"{_md_cell('; '.join(f.reasons))} | {_md_cell(f.excerpt)} |")
        if len(result.failures) > MARKDOWN_MAX_ROWS:
            lines += ["", f"… and {len(result.failures) - MARKDOWN_MAX_ROWS} more failing records "
                          "(run `cleaner check --format text` for all)."]
        lines.append("")
    return "\n".join(lines)
