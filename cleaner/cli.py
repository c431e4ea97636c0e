"""The command line: thin over the library, prints with rich.

Exit codes: 0 all good; 1 some records failed the contract or could not be read; 2 unusable
arguments (a path that does not exist, an output that cannot be written, a bad name).
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from cleaner import __version__
from cleaner.config import DEFAULT_CONFIG
from cleaner.records import Quarantined, Skipped

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Clean scraped news articles, validate them against the contract, publish versioned datasets.")
out = Console()
err = Console(stderr=True)

EXIT_OK, EXIT_RECORDS, EXIT_USAGE = 0, 1, 2

InputsArg = Annotated[Optional[list[str]], typer.Argument(help="Files or folders (.txt .html .jsonl .json .warc .arc "
                                                         ".parquet .arrow .csv, optionally .gz), or fsspec URLs (s3://, gs://, hf://, https://).",
                                                          show_default=False)]
WorkersOpt = Annotated[Optional[int], typer.Option("--workers", "-w", min=1, show_default="all cores",
                                                   help="Worker processes (local) or LocalCluster workers (dask).")]
ExecutorOpt = Annotated[str, typer.Option("--executor", help="Where shards run: local (a process pool) or dask.")]
SchedulerOpt = Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 "
                                                     "(with --executor dask; default: a LocalCluster).")]
FollowLinksOpt = Annotated[bool, typer.Option("--follow-links", help="Read through symbolic links that lead out of "
                                              "the input folders (default: quarantine them, read.link_outside).")]
TextFieldOpt = Annotated[str, typer.Option("--text-field", help="The JSON key or table column holding a record's text.")]
HtmlFieldOpt = Annotated[str, typer.Option("--html-field", help="The JSON key or table column holding a record's HTML.")]
IdFieldOpt = Annotated[str, typer.Option("--id-field", help="The JSON key or table column holding a record's id.")]
UrlFieldOpt = Annotated[str, typer.Option("--url-field", help="The JSON key or table column holding a record's URL.")]


def _executor(executor: str, workers: Optional[int], scheduler: Optional[str]):
    from cleaner.executors import make_executor
    try:
        return make_executor(executor, workers, scheduler)
    except ValueError as exc:
        raise _fail(str(exc)) from None


def sample_corpus() -> Path:
    """The small corpus shipped inside the package: the five seed articles plus HTML and JSONL examples."""
    return Path(str(resources.files("cleaner") / "data" / "samples"))


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _check_inputs(inputs: list, follow_links: bool = False, writes: Optional[Path] = None) -> None:
    """Refuse (exit 2, before anything is written) inputs that do not exist or hold nothing to read,
    and an output file `writes` that is an input or lies inside an input folder; list on stderr
    what the walk skips, with the reason."""
    from cleaner.read import display_path, input_overlap, iter_input_files, skipped_inputs
    from cleaner.remote import exists, is_url

    try:
        missing = [display_path(p) for p in inputs if not (exists(p) if is_url(p) else Path(p).exists())]
    except (ImportError, ValueError, OSError) as exc:  # no s3fs, a malformed URL, no credentials
        raise _fail(f"cannot reach the inputs: {type(exc).__name__}: {exc}") from None
    if missing:
        raise _fail(f"no such file or folder: {', '.join(missing)}")
    if writes is not None and str(writes) != "-":
        overlap = input_overlap(writes, inputs)
        if overlap is not None:
            raise _fail(f"{display_path(writes)}: the output is, or lies inside, the input {display_path(overlap)} "
                        "(it would be overwritten or read back as input); write it outside the inputs")
    skipped = skipped_inputs(inputs, follow_links)
    for path, reason in skipped[:SKIPPED_SHOWN]:
        err.print(f"skipped {display_path(path)}: {reason}", markup=False, highlight=False, soft_wrap=True)
    if len(skipped) > SKIPPED_SHOWN:
        err.print(f"... and {len(skipped) - SKIPPED_SHOWN:,} more skipped", markup=False, highlight=False)
    if next(iter(iter_input_files(inputs, follow_links)), None) is None:
        raise _fail(f"no input files to read in {', '.join(map(display_path, inputs))} "
                    "(.txt .html .jsonl .json .warc .arc .parquet .arrow .csv, optionally .gz)")


def _config(follow_links: bool, text_field: str = "text", html_field: str = "html", id_field: str = "id",
            url_field: str = "url"):
    """The settings the options ask for (the defaults unless an option was given)."""
    changes = {key: value for key, value in (("follow_links", follow_links), ("text_field", text_field),
                                             ("html_field", html_field), ("id_field", id_field),
                                             ("url_field", url_field)) if value != getattr(DEFAULT_CONFIG, key)}
    return DEFAULT_CONFIG.with_(**changes) if changes else DEFAULT_CONFIG


SKIPPED_SHOWN = 20


def _progress() -> Progress:
    # rich's progress and table modules are imported by the commands that show them: `clean`,
    # which shows neither, starts ~15 ms sooner
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("shards · {task.fields[records]} records · {task.fields[rate]} rec/s"),
                    TimeElapsedColumn(), console=err, transient=False, disable=not err.is_terminal)


@app.command()
def run(
    inputs: InputsArg = None,
    out_dir: Annotated[str, typer.Option("--out", help="Folder that holds published datasets, or an fsspec URL "
                                         "(s3://bucket/prefix; credentials from the environment).")] = "dist_data",
    name: Annotated[Optional[str], typer.Option(help="Dataset name (default: news-sample for the sample corpus, else news).")] = None,
    version: Annotated[Optional[str], typer.Option(help="Version to publish (default: the next after the latest).")] = None,
    parent: Annotated[Optional[str], typer.Option(help="The version this one builds on (recorded in the manifest).")] = None,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    follow_links: FollowLinksOpt = False,
    text_field: TextFieldOpt = "text",
    html_field: HtmlFieldOpt = "html",
    id_field: IdFieldOpt = "id",
    url_field: UrlFieldOpt = "url",
) -> None:
    """Clean, validate and publish INPUTS as OUT/NAME/VERSION (no INPUTS: the sample corpus).

    A run that was killed resumes: the same command again redoes only the shards not finished.
    """
    from cleaner import build
    from cleaner.pipeline import RunInProgress
    from cleaner.publish.remote import StoreError
    from cleaner.publish.version import VersionExistsError

    if not inputs:
        inputs, name = [sample_corpus()], name or "news-sample"
    _check_inputs(inputs, follow_links)
    name = name or "news"
    runner = _executor(executor, workers, scheduler)
    try:
        with _progress() as progress:
            task = progress.add_task(f"cleaning ({runner.name}, {runner.workers} workers)", total=None,
                                     records=0, rate="0")
            counts = {"record": 0}

            def on_progress(event: str, n: int) -> None:
                if event == "shards":
                    progress.update(task, total=n)
                elif event in ("shard", "resumed"):
                    progress.advance(task, n)
                elif event == "record":
                    counts["record"] += n
                    elapsed = max(progress.tasks[task].elapsed or 0, 1e-6)
                    progress.update(task, records=f"{counts['record']:,}", rate=f"{counts['record'] / elapsed:,.0f}")

            with _output(out_dir, name, version, parent) as (local_out, version, publish):
                path, ledger = build(inputs, local_out, name, version, parent=parent, executor=runner,
                                     config=_config(follow_links, text_field, html_field, id_field, url_field),
                                     on_progress=on_progress)
                _summary(publish(path), ledger)
                from cleaner.provenance import input_root
                _quarantine_messages(path, input_root(inputs))
    except (VersionExistsError, RunInProgress) as exc:
        raise _fail(f"{exc.filename}: {exc.strerror}") from None
    except StoreError as exc:
        raise _fail(str(exc)) from None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    except ConnectionError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        raise _fail(f"cannot write to {out_dir}{where}: {exc.strerror or exc}") from None
    raise typer.Exit(EXIT_OK if ledger.quarantined == 0 else EXIT_RECORDS)


@contextlib.contextmanager
def _output(out_dir: str, name: str, version: Optional[str], parent: Optional[str]):
    """`(folder to build in, version, publish)`: the output folder itself, or for an fsspec URL a
    local stand-in whose version `publish` uploads (`publish.remote`)."""
    from cleaner.publish.remote import is_remote, remote_session

    if not is_remote(out_dir):
        yield Path(out_dir), version, lambda path: path
        return
    with remote_session(out_dir, name, version, parent) as session:
        yield session


QUARANTINE_SHOWN = 20


def _quarantine_messages(version: Path, root: str = "", limit: int = QUARANTINE_SHOWN) -> None:
    """One line per quarantined record on stderr, `file:record: reason; reason` (the first `limit`),
    read back from the published quarantine config, so a person sees what to fix without loading it.
    The file is named as on this machine (the published path is relative to the input `root`)."""
    import pyarrow.parquet as pq

    from cleaner.provenance import is_uri

    shown = total = 0
    for shard in sorted((version / "quarantine").glob("*.parquet")):
        table = pq.read_table(shard, columns=["source_path", "source_index", "reasons"])
        total += table.num_rows
        for row in table.slice(0, max(0, limit - shown)).to_pylist():
            where = row["source_path"] if is_uri(row["source_path"]) or not root else os.path.join(root, row["source_path"])
            err.print(f"{where}:{row['source_index']}: {'; '.join(row['reasons'])}",
                      markup=False, highlight=False, soft_wrap=True)
            shown += 1
    if total > shown:
        err.print(f"... and {total - shown:,} more quarantined records in {version / 'quarantine'}",
                  markup=False, highlight=False, soft_wrap=True)


def _summary(path: Path, led) -> None:
    from rich.table import Table

    t = Table(title=f"Published {path}", title_justify="left")
    t.add_column("outcome"); t.add_column("records", justify="right")
    t.add_row("inputs", f"{led.inputs:,}")
    t.add_row("published", f"[green]{led.published:,}[/]")
    t.add_row("quarantined", f"[yellow]{led.quarantined:,}[/]" if led.quarantined else "0")
    t.add_row("duplicates", f"{led.duplicates:,}")
    t.add_row("balanced", "[green]yes[/] (inputs = published + quarantined + duplicates)" if led.balanced() else "[red]NO[/]")
    for kind, n in sorted(led.skipped_by_kind.items()):
        t.add_row(f"not an article: {kind}", f"{n:,}")
    if led.inherited:
        t.add_row("inherited from the parent", f"{led.inherited:,} (in all: {led.published + led.inherited:,} articles)")
    out.print(t)
    if led.removals_by_category:
        r = Table(title="Removals by category", title_justify="left")
        r.add_column("category"); r.add_column("lines", justify="right")
        for cat, n in sorted(led.removals_by_category.items(), key=lambda kv: (-kv[1], kv[0])):
            r.add_row(cat, f"{n:,}")
        out.print(r)
    if led.quarantine_by_check:
        q = Table(title="Quarantine by check", title_justify="left")
        q.add_column("check"); q.add_column("records", justify="right")
        for check, n in sorted(led.quarantine_by_check.items()):
            q.add_row(check, f"{n:,}")
        out.print(q)


@app.command()
def clean(
    inputs: InputsArg = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL file to write, one cleaned record a line.")] = Path("-"),
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    follow_links: FollowLinksOpt = False,
    text_field: TextFieldOpt = "text",
    html_field: HtmlFieldOpt = "html",
    id_field: IdFieldOpt = "id",
    url_field: UrlFieldOpt = "url",
) -> None:
    """Clean INPUTS (no validation, no publishing) and write one JSON record a line.

    A write that fails (disk full) ends the command with exit 2 and one line naming the file; the
    file then holds only whole lines (`publish.files.LineWriter`).
    """
    from cleaner import clean_inputs
    from cleaner.publish.files import LineWriter

    if not inputs:
        raise _fail("give at least one input file or folder")
    _check_inputs(inputs, follow_links, writes=output)
    runner = _executor(executor, workers, scheduler)
    try:
        sink = LineWriter(sys.stdout.buffer if str(output) == "-" else output)
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror}") from None
    failed = 0
    skipped: dict[str, int] = {}
    try:
        with sink:
            for rec in clean_inputs(inputs, config=_config(follow_links, text_field, html_field, id_field, url_field),
                                    executor=runner):
                if isinstance(rec, Skipped):
                    skipped[rec.kind] = skipped.get(rec.kind, 0) + 1
                    continue
                if isinstance(rec, Quarantined):
                    failed += 1
                    err.print(rec.message, markup=False, highlight=False)
                    continue
                sink.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")
    except OSError as exc:
        if exc.filename is not None and os.fsdecode(exc.filename) != str(output):
            raise  # another file's error, not the output's: main() names that file
        raise _fail(f"cannot write {output}: {exc.strerror or exc}; it holds the {sink.lines:,} whole "
                    "lines written before") from None
    if skipped:
        err.print(f"{sum(skipped.values()):,} records are not articles, not written: "
                  + ", ".join(f"{kind} {n:,}" for kind, n in sorted(skipped.items())), markup=False, highlight=False)
    raise typer.Exit(EXIT_RECORDS if failed else EXIT_OK)


@app.command()
def check(
    inputs: InputsArg = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Report format: text, json, junit, github or markdown.")] = "text",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file instead of standard output.")] = None,
    max_quarantine_rate: Annotated[float, typer.Option(min=0.0, max=1.0, help="Fail only when more than this share of records is quarantined (0: fail on any).")] = 0.0,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    follow_links: FollowLinksOpt = False,
    text_field: TextFieldOpt = "text",
    html_field: HtmlFieldOpt = "html",
    id_field: IdFieldOpt = "id",
    url_field: UrlFieldOpt = "url",
) -> None:
    """The CI gate: clean and validate INPUTS without publishing; exit 1 if records fail the contract."""
    from cleaner.check import FORMATS, render, run_check

    if fmt not in FORMATS:
        raise _fail(f"unknown --format {fmt!r}: use one of {', '.join(FORMATS)}")
    if not inputs:
        raise _fail("give at least one input file or folder")
    _check_inputs(inputs, follow_links, writes=output)
    result = run_check(inputs, _config(follow_links, text_field, html_field, id_field, url_field), max_quarantine_rate, _executor(executor, workers, scheduler))
    if not result.files:
        raise _fail(f"no input files found in {', '.join(map(str, inputs))}")
    if output is None:
        if fmt == "text":
            out.print(render(result, fmt, color=out.is_terminal, width=out.width if out.is_terminal else 160),
                      end="", highlight=False, markup=False)
        else:
            sys.stdout.write(render(result, fmt))
    else:
        try:
            output.write_text(render(result, fmt), encoding="utf-8")
        except OSError as exc:
            raise _fail(f"cannot write {output}: {exc.strerror}") from None
        err.print(result.summary(), markup=False, highlight=False)
    raise typer.Exit(result.exit_code)


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="One input file (.txt .html .jsonl .json, optionally .gz).")],
    record: Annotated[Optional[int], typer.Option("--record", "-r", help="Only the record at this line (JSONL) or position (JSON array).")] = None,
    follow_links: FollowLinksOpt = False,
    text_field: TextFieldOpt = "text",
    html_field: HtmlFieldOpt = "html",
    id_field: IdFieldOpt = "id",
    url_field: UrlFieldOpt = "url",
) -> None:
    """Show FILE as it came in, each removed line marked with its category and rule, and the metadata found."""
    from cleaner.explain import explain_file, render_plain, render_rich

    if not file.is_file():
        raise _fail(f"no such file: {file}")
    items = explain_file(file, record, _config(follow_links, text_field, html_field, id_field, url_field))
    if not items:
        raise _fail(f"{file}: no record {record}" if record is not None else f"{file}: no records")
    if out.is_terminal:
        render_rich(items, out)
    else:
        sys.stdout.write(render_plain(items))


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="The older published version folder (or its fsspec URL).")],
    new: Annotated[str, typer.Argument(help="The newer published version folder (or its fsspec URL).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole diff as JSON (every id).")] = False,
) -> None:
    """Compare two published versions: articles added, removed and changed, removals by category and rule, settings."""
    from cleaner.diff import NotAVersion, diff_versions, print_diff
    from cleaner.publish.remote import StoreError, local_versions

    try:
        with local_versions([old, new]) as (a, b):   # a version on a store is downloaded, shared objects once
            d = diff_versions(a, b)
    except (NotAVersion, StoreError) as exc:
        raise _fail(str(exc)) from None
    if as_json:
        sys.stdout.write(json.dumps(d.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        print_diff(d, out)


@app.command()
def verify(path: Annotated[str, typer.Argument(help="A published version folder (or OUT/NAME/latest), or its fsspec URL.")]) -> None:
    """Recompute every checksum of a published version; exit 1 if anything differs."""
    from cleaner import verify as verify_version
    from cleaner.publish.index import resolve
    from cleaner.publish.remote import StoreError, is_remote, verify_remote

    if is_remote(path):
        try:
            problems = verify_remote(path)
        except StoreError as exc:
            raise _fail(str(exc)) from None
    elif not resolve(Path(path)).is_dir():
        raise _fail(f"no such version folder: {path}")
    else:
        problems = verify_version(resolve(Path(path)))
    for p in problems:
        err.print(f"[red]✗[/] {escape(p)}", highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(EXIT_RECORDS)
    out.print(f"[green]✓[/] {path}: every file matches its manifest checksum")


DatasetArg = Annotated[str, typer.Argument(help="A dataset folder, OUT/NAME (or its fsspec URL, for retract).")]


@app.command()
def retract(
    dataset: DatasetArg,
    ids: Annotated[Optional[Path], typer.Option("--ids", help="File of article ids to retract, one a line.")] = None,
    urls: Annotated[Optional[Path], typer.Option("--urls", help="File of article URLs to retract, one a line.")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why they are taken down (recorded in the manifest and card).")] = "",
    version: Annotated[Optional[str], typer.Option(help="Version to publish (default: the next vN).")] = None,
) -> None:
    """Publish a new version of DATASET without the articles named; older versions keep them until `purge`."""
    from cleaner.publish.retract import read_list, retract as retract_articles
    from cleaner.publish.version import VersionExistsError
    from cleaner.rules import RULES_VERSION

    if (ids is None) == (urls is None):
        raise _fail("give one of --ids FILE or --urls FILE")
    if not reason.strip():
        raise _fail("give --reason TEXT: a retraction records why")
    listed = ids or urls
    if not listed.is_file():
        raise _fail(f"no such file: {listed}")
    from cleaner.publish.remote import StoreError, is_remote, remote_session, remote_parent

    names = read_list(listed)
    out_dir, _, name = dataset.rstrip("/").rpartition("/")
    try:
        if is_remote(dataset):   # the newest version downloaded, retracted from locally, uploaded as the next
            with remote_session(out_dir, name, version, remote_parent(out_dir, name)) as (local, version, publish):
                path, found = retract_articles(local, name, ids=names if ids else [], urls=names if urls else [],
                                               reason=reason, version=version, tool_version=__version__,
                                               rules_version=RULES_VERSION)
                path = publish(path)
        else:
            path, found = retract_articles(Path(out_dir or "."), name, ids=names if ids else [],
                                           urls=names if urls else [], reason=reason, version=version,
                                           tool_version=__version__, rules_version=RULES_VERSION)
    except VersionExistsError as exc:
        raise _fail(f"{exc.filename}: {exc.strerror}") from None
    except (ValueError, StoreError) as exc:
        raise _fail(str(exc)) from None
    out.print(f"Published {path}: {len(found):,} articles retracted ({reason}); older versions still hold "
              f"them until `cleaner purge {dataset}`", highlight=False)


@app.command()
def purge(
    dataset: DatasetArg,
    yes: Annotated[bool, typer.Option("--yes", help="Delete; without it, only list what would be deleted.")] = False,
) -> None:
    """Delete the text of retracted articles from every version of DATASET (lists it first; --yes to do it)."""
    from cleaner.publish.remote import StoreError, is_remote, remote_dataset

    if not is_remote(dataset):
        _purge(Path(dataset), dataset, yes)
        return
    try:
        with remote_dataset(dataset) as (local, upload):   # every version downloaded, shared objects once
            done = _purge(local, dataset, yes)
            if done:
                for key in upload(done):
                    out.print(f"wrote {key}", markup=False, highlight=False, soft_wrap=True)
    except StoreError as exc:
        raise _fail(str(exc)) from None


def _purge(folder: Path, dataset: str, yes: bool) -> list:
    """List what purging the dataset `folder` deletes, and with `yes` delete it; the plans carried out."""
    from cleaner.publish.retract import purge as purge_versions, purge_plan, retracted_ids

    try:
        ids, records = retracted_ids(folder)
    except (OSError, ValueError) as exc:
        raise _fail(f"{dataset}: not a dataset folder with a published version ({exc})") from None
    plans = purge_plan(folder, ids)
    if not plans:
        out.print(f"Nothing to purge: no version of {dataset} holds any of the {len(ids):,} retracted articles.")
        return []
    for plan in plans:
        for rel, (n, found) in plan.files.items():
            out.print(f"{'deleting' if yes else 'would delete'} {plan.version}/{rel}: {n:,} rows of "
                      f"{len(found):,} articles ({', '.join(found[:10])}{' …' if len(found) > 10 else ''})",
                      markup=False, highlight=False)
        out.print(f"{'rewriting' if yes else 'would rewrite'} {plan.version}/report.html, README.md and manifest.json",
                  markup=False, highlight=False)
    if not yes:
        out.print("Nothing deleted: run again with --yes to delete.")
        return []
    try:
        purge_versions(folder, plans, records)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    out.print(f"Purged {len(plans)} versions; each still verifies and records the purge in its manifest and card.")
    return plans


@app.command()
def push(
    version: Annotated[Path, typer.Argument(help="A published version folder, OUT/NAME/vN.")],
    repo: Annotated[str, typer.Option("--repo", help="The Hub dataset repo, ORG/NAME.")],
    private: Annotated[bool, typer.Option("--private", help="Create the repo private (if it does not exist).")] = False,
) -> None:
    """Upload VERSION to a Hugging Face Hub dataset repo as one commit tagged vN (token: HF_TOKEN or the login)."""
    from cleaner.publish.hub import HubError, push as push_version
    from cleaner.publish.index import resolve

    folder = resolve(version)
    if not (folder / "manifest.json").is_file():
        raise _fail(f"{version}: not a published version (no manifest.json)")
    try:
        done = push_version(folder, repo, private=private)
    except HubError as exc:
        raise _fail(str(exc)) from None
    out.print(f"Pushed {folder} to {repo} as {done['commit'][:12]} ({done['files']} files, {done['deleted']} "
              f"of the previous version deleted), tagged {done['tag']}: "
              f"load_dataset({repo!r}, revision={done['tag']!r})", highlight=False)


@app.command()
def rules() -> None:
    """The rule table: every rule id a Removal can carry, its category and an example."""
    from rich.table import Table

    from cleaner.rules import listing

    t = Table(title="Rules", title_justify="left")
    # ids and categories are never wrapped (one is looked up as a whole); the example folds instead
    t.add_column("id", no_wrap=True); t.add_column("category", no_wrap=True)
    t.add_column("example or meaning", overflow="fold")
    for rid, cat, example in listing():
        t.add_row(rid, cat, example, style=None)
    out.print(t, markup=False)


@app.callback(invoke_without_command=True)
def _main(version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False) -> None:
    if version:
        out.print(f"news-cleaner {__version__}")
        raise typer.Exit()


def main() -> None:
    """The `cleaner` command: the CLI, with an error of the tool itself as one line and exit 2.

    Every input problem is handled where it arises (a quarantine record, or exit 2 naming the file);
    what reaches here is a bug or the system failing under the tool (a file vanishing, a full disk
    in a place nobody checked). A user gets one line naming the file when the error names one, never
    a traceback; `CLEANER_DEBUG=1` re-raises for the traceback.
    """
    try:
        app(prog_name="cleaner")
    except Exception as exc:  # deliberately broad: the last line of defence, and it re-raises under CLEANER_DEBUG
        if os.environ.get("CLEANER_DEBUG"):
            raise
        filename = getattr(exc, "filename", None)
        where = f"{os.fsdecode(filename)}: " if isinstance(filename, (str, bytes)) else ""
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = f"{where}{type(exc).__name__}: {detail}".encode("utf-8", "backslashreplace").decode("utf-8")
        err.print(f"[bold red]error:[/] {escape(message)} (a bug or a system error; CLEANER_DEBUG=1 shows the traceback)",
                  highlight=False, soft_wrap=True)
        sys.exit(EXIT_USAGE)
