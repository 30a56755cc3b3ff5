"""The eval runner: ``python -m evals run SUITE --cases CASES.jsonl [--fixture F] [--model M] [--out RESULT.json]``.

``python -m evals agree SUITE --cases CASES.jsonl --labels LABELS.jsonl`` scores a second
annotator's reading with the same measure (``evals.agreement``): the human ceiling of a set.

Generic over suites (``evals.suites``), following ``shared/eval-format.md``:

- every case line is checked before anything runs (JSON object, required keys,
  types, the suite's own checks); a bad line stops the run with its line number;
- each distinct fixture (``--fixture``, or a case's own ``"fixture"`` object, which
  wins) is loaded into a fresh temporary SQLite store of its own, with its own
  checkpoint file beside it; identical fixture objects share one store;
- a case runs as its ``rm_id`` on its ``today`` (else the fixture's ``today``, else
  the store's reference date or the real date), with the chosen chat model; an
  ``rm_id`` that is not an RM of the fixture fails that case; a case without one runs
  as the fixture's only RM (and fails when the fixture has several);
- the cases of one store run in file order on the same store: what one case writes
  (e.g. a logged interaction) is there for the next;
- a case that raises is failed on every metric it counts towards, its error kept,
  and the run goes on;
- the suite's metrics are printed as ONE JSON object on the last line of stdout,
  the per-case results written to ``--out``. Logs go to stderr.

Exit status: 0 when the run happened, whatever the scores; 2 when it could not
run (unknown suite, missing or invalid cases file, bad fixture, unusable model).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import logging
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from stores.checkpoints import open_checkpointer
from stores.db import Database, shared_database
from stores.fixtures import FixtureError, load_fixture, parse_fixture, read_fixture_file
from tools.core.llm.models import ModelUnavailableError, default_model_setting, load_chat_model, parse_model_setting
from tools.core.text import normalize_texts

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_CANNOT_RUN = 2
MAX_REPORTED_PROBLEMS = 50
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CannotRun(Exception):
    """The run cannot happen at all (exit 2); the message says why."""


class CaseFileError(CannotRun):
    """The cases file is missing or has bad lines; ``problems`` name each line."""

    def __init__(self, path: Path, problems: list[str]):
        self.problems = problems
        shown = "\n".join(f"  - {problem}" for problem in problems[:MAX_REPORTED_PROBLEMS])
        more = len(problems) - MAX_REPORTED_PROBLEMS
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"invalid cases file {path}: {len(problems)} problem(s):\n{shown}{tail}")


class CaseFailed(RuntimeError):
    """Raised by a suite when a case cannot produce an output (the graph did not get to a result)."""


# ----- cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One line of a cases file, checked."""

    id: str
    line: int
    input: dict[str, Any]
    expected: dict[str, Any]
    rm_id: str | None = None
    today: dt.date | None = None
    #: The case's own fixture (raw JSON object), which wins over ``--fixture``.
    fixture: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def _case_problems(data: Any) -> list[str]:
    """What is wrong with a case line's common keys (the suite checks the rest)."""
    if not isinstance(data, dict):
        return [f"a case is one JSON object, got {type(data).__name__}"]
    problems = []
    case_id = data.get("id")
    if case_id is None:
        problems.append("missing required key 'id'")
    elif isinstance(case_id, bool) or not isinstance(case_id, (str, int)) or not str(case_id).strip():
        problems.append(f"'id' must be a non-empty string, got {case_id!r}")
    for key in ("input", "expected"):
        if key not in data:
            problems.append(f"missing required key {key!r}")
        elif not isinstance(data[key], dict):
            problems.append(f"{key!r} must be a JSON object, got {type(data[key]).__name__}")
    if "rm_id" in data and data["rm_id"] is not None and (not isinstance(data["rm_id"], str) or not data["rm_id"]):
        problems.append(f"'rm_id' must be a non-empty string, got {data['rm_id']!r}")
    if "today" in data and data["today"] is not None:
        today = data["today"]
        try:
            if not isinstance(today, str) or not _ISO_DATE.match(today):
                raise ValueError
            dt.date.fromisoformat(today)
        except ValueError:
            problems.append(f"'today' must be a date YYYY-MM-DD, got {today!r}")
    if "fixture" in data and data["fixture"] is not None and not isinstance(data["fixture"], dict):
        problems.append("'fixture' must be a JSON object (a fixture in the crm-schema form)")
    return problems


def load_cases(path: Path, suite: Suite, *, have_default_fixture: bool) -> list[Case]:
    """Every case of a JSONL file, checked; ``CaseFileError`` lists each bad line (1-based line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseFileError(path, [f"no such file: {path}"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CaseFileError(path, [f"cannot read it: {error}"]) from None
    problems: list[str] = []
    cases: list[Case] = []
    seen: dict[str, int] = {}
    fixture_checked: dict[str, str | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: not valid JSON ({error.msg}, column {error.colno})")
            continue
        line_problems = _case_problems(data)
        if line_problems:
            problems.extend(f"line {number}: {problem}" for problem in line_problems)
            continue
        case_id = str(data["id"]).strip()
        if case_id in seen:
            problems.append(f"line {number}: duplicate id {case_id!r} (also on line {seen[case_id]})")
            continue
        seen[case_id] = number
        fixture = data.get("fixture")
        if fixture is not None:
            key = fixture_key(fixture)
            if key not in fixture_checked:
                try:
                    parse_fixture(fixture)
                    fixture_checked[key] = None
                except FixtureError as error:
                    fixture_checked[key] = str(error)
            if fixture_checked[key]:
                problems.append(f"line {number}: the case's fixture is invalid: {fixture_checked[key]}")
                continue
        elif not have_default_fixture:
            problems.append(f"line {number}: no fixture: pass --fixture or give the case a 'fixture' object")
            continue
        case = Case(
            id=case_id,
            line=number,
            # Text in one form (NFC): a note typed on a keyboard that sends decomposed accents reads the same.
            input=normalize_texts(data["input"]),
            expected=data["expected"],
            rm_id=data.get("rm_id"),
            today=dt.date.fromisoformat(data["today"]) if data.get("today") else None,
            fixture=fixture,
            raw=data,
        )
        suite_problems = suite.validate_case(case)
        if suite_problems:
            problems.extend(f"line {number} (id {case_id!r}): {problem}" for problem in suite_problems)
            continue
        cases.append(case)
    if not problems and not cases:
        problems.append("no cases in the file")
    if problems:
        raise CaseFileError(path, problems)
    return cases


def fixture_key(fixture: dict[str, Any]) -> str:
    """Identical fixture objects share a store: the key is their canonical JSON."""
    return json.dumps(fixture, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# ----- stores and what a suite gets ----------------------------------------------------------


@dataclass
class Store:
    """One fixture loaded into a fresh temporary SQLite store, with a checkpointer beside it."""

    label: str
    database: Database
    checkpointer: BaseCheckpointSaver[str]
    #: The fixture's ``today``, if it has one.
    today: dt.date | None
    rm_ids: frozenset[str]
    #: A folder of the store's own, for indexes a suite builds.
    workdir: Path
    #: Free for the suite: a compiled graph, an index… built once per store.
    cache: dict[str, Any] = field(default_factory=dict)

    def compiled(self, module: str) -> Any:
        """The ``builder`` of the graph module ``module``, compiled once for this store with its checkpointer."""
        graph = self.cache.get(module)
        if graph is None:
            builder = importlib.import_module(module).builder
            graph = self.cache[module] = builder.compile(checkpointer=self.checkpointer)
        return graph


@dataclass(frozen=True)
class CaseEnv:
    """What a suite's ``run_case`` works with: the case's store, model, date, RM and thread."""

    store: Store
    model: str
    #: The case's ``today``, else the fixture's; None lets the graph use the store's reference date / the real date.
    today: dt.date | None
    rm_id: str | None
    thread_id: str

    @property
    def database(self) -> Database:
        return self.store.database


class StorePool:
    """Temporary stores, one per distinct fixture, removed when the pool closes."""

    def __init__(self, stack: ExitStack, root: Path, suite: Suite):
        self._stack = stack
        self._root = root
        self._suite = suite
        self._stores: dict[str, Store] = {}

    def get(self, fixture: dict[str, Any], label: str, *, key: str | None = None) -> Store:
        key = key or fixture_key(fixture)
        store = self._stores.get(key)
        if store is None:
            store = self._stores[key] = self._open(fixture, label, len(self._stores) + 1)
        return store

    def _open(self, fixture: dict[str, Any], label: str, number: int) -> Store:
        folder = self._root / f"store-{number}"
        folder.mkdir(parents=True)
        database = shared_database(f"sqlite:///{folder / 'bank.db'}")  # the same engine the graphs get by URL
        self._stack.callback(database.dispose)
        loaded = load_fixture(database, fixture)
        checkpointer = self._stack.enter_context(open_checkpointer(database))
        rm_ids = frozenset(row["id"] for row in loaded.rows.get("rms", []))
        store = Store(label, database, checkpointer, loaded.today, rm_ids, folder / "work")
        store.workdir.mkdir()
        counts = ", ".join(f"{name}={count}" for name, count in loaded.counts().items() if count)
        logger.info("store %d (%s): %s", number, label, counts or "empty")
        if self._suite.needs_indexes and self._suite.prepare is not None:
            started = time.perf_counter()
            self._suite.prepare(store)
            logger.info("store %d: indexes built in %.1fs", number, time.perf_counter() - started)
        return store


@contextmanager
def store_pool(suite: Suite) -> Iterator[StorePool]:
    with ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="agentify-eval-")))
        yield StorePool(stack, root, suite)


# ----- suites --------------------------------------------------------------------------------


@dataclass
class CaseOutcome:
    """One case as run and scored."""

    case: Case
    #: What the graph produced, as the suite reads it; None when the case failed to run.
    output: dict[str, Any] | None
    #: Pass/fail per metric, only for the metrics this case counts towards.
    checks: dict[str, bool]
    #: Additive counts for micro-averaged metrics (e.g. true/false positives).
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    today: dt.date | None = None
    rm_id: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(self.checks.values())


@dataclass(frozen=True)
class Scored:
    """A suite's verdict on one case: pass/fail per metric and any additive counts."""

    checks: dict[str, bool]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Suite:
    """A use case's evaluation: how to run one case through its graph and how to score it.

    ``score(case, None)`` must fail every metric the case counts towards: that is how a
    case that raised is scored.
    """

    name: str
    needs_indexes: bool
    run_case: Callable[[Case, CaseEnv], dict[str, Any]]
    score: Callable[[Case, dict[str, Any] | None], Scored]
    metrics: Callable[[list[CaseOutcome]], dict[str, Any]]
    #: Extra checks of a case line (its ``input`` / ``expected``); each string is one problem.
    validate_case: Callable[[Case], list[str]] = lambda case: []
    #: Builds the suite's indexes for a freshly loaded store (when ``needs_indexes``).
    prepare: Callable[[Store], None] | None = None
    #: Whether a case needs ``rm_id`` (an RM of the fixture); when it is missing and the fixture has one RM, that one.
    needs_rm: bool = True
    #: An annotator's ``expected`` in the form ``score`` reads as output (``python -m evals agree``).
    label_as_output: Callable[[dict[str, Any]], dict[str, Any]] = lambda label: dict(label)


# ----- metric helpers ------------------------------------------------------------------------


def rate(outcomes: Sequence[CaseOutcome], metric: str) -> tuple[float | None, int]:
    """Share of the cases counting towards ``metric`` that passed it, and how many counted (None when none)."""
    counted = [outcome.checks[metric] for outcome in outcomes if metric in outcome.checks]
    if not counted:
        return None, 0
    return sum(counted) / len(counted), len(counted)


def micro_f1(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 from summed counts; 1.0 where there was nothing to find and nothing was found."""
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return precision, recall, f1


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# ----- running -------------------------------------------------------------------------------


def _thread_id(suite: Suite, case: Case) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "", case.id)[:32] or "case"
    return f"eval-{suite.name}-{case.line}-{safe}"


def _rm_for(suite: Suite, case: Case, store: Store) -> str | None:
    if case.rm_id is not None:
        if case.rm_id not in store.rm_ids:
            raise CaseFailed(
                f"rm_id {case.rm_id!r} is not an RM of the fixture (RMs: {', '.join(sorted(store.rm_ids))})"
            )
        return case.rm_id
    if not suite.needs_rm:
        return None
    if len(store.rm_ids) == 1:
        return next(iter(store.rm_ids))
    raise CaseFailed(f"the case gives no rm_id and the fixture has {len(store.rm_ids)} RMs")


def run_one(suite: Suite, case: Case, store: Store, model: str) -> CaseOutcome:
    """Run and score one case; an exception fails the case on every metric, with its error kept."""
    started = time.perf_counter()
    today = case.today or store.today
    output: dict[str, Any] | None = None
    error: str | None = None
    rm_id = case.rm_id
    try:
        rm_id = _rm_for(suite, case, store)
        env = CaseEnv(store=store, model=model, today=today, rm_id=rm_id, thread_id=_thread_id(suite, case))
        output = suite.run_case(case, env)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("case %s (line %d) failed: %s", case.id, case.line, error)
        logger.debug("case %s traceback:\n%s", case.id, traceback.format_exc())
        output = None
    scored = suite.score(case, output)
    if error is not None:  # whatever the suite said, a case that raised passes nothing
        scored = Scored({metric: False for metric in scored.checks}, scored.counts)
    return CaseOutcome(
        case=case,
        output=output,
        checks=scored.checks,
        counts=scored.counts,
        error=error,
        seconds=time.perf_counter() - started,
        today=today,
        rm_id=rm_id,
    )


@dataclass
class RunResult:
    metrics: dict[str, Any]
    outcomes: list[CaseOutcome]


def run_suite(
    suite: Suite,
    cases: list[Case],
    *,
    default_fixture: dict[str, Any] | None,
    default_fixture_label: str = "--fixture",
    model: str,
) -> RunResult:
    """Every case, in file order, each on the store of its fixture; then the suite's metrics."""
    outcomes: list[CaseOutcome] = []
    default_key = fixture_key(default_fixture) if default_fixture is not None else None
    with store_pool(suite) as pool:
        for case in cases:
            if case.fixture is not None:
                store = pool.get(case.fixture, f"fixture of case {case.id}")
            else:
                assert default_fixture is not None  # load_cases refused cases without any fixture
                store = pool.get(default_fixture, default_fixture_label, key=default_key)
            outcome = run_one(suite, case, store, model)
            logger.info(
                "%s %s %.0fms%s",
                "PASS" if outcome.passed else "FAIL",
                case.id,
                outcome.seconds * 1000,
                "" if outcome.passed else " " + ",".join(m for m, ok in outcome.checks.items() if not ok),
            )
            outcomes.append(outcome)
    metrics = {"suite": suite.name, "cases": len(outcomes), "errors": sum(o.error is not None for o in outcomes)}
    metrics.update(suite.metrics(outcomes))
    metrics["model"] = model
    return RunResult(metrics, outcomes)


def result_document(result: RunResult, *, cases_path: Path, fixture_path: Path | None) -> dict[str, Any]:
    """What ``--out`` holds: the metrics, then one entry per case."""
    return {
        "suite": result.metrics["suite"],
        "model": result.metrics.get("model"),
        "cases_file": str(cases_path),
        "fixture_file": str(fixture_path) if fixture_path else None,
        "metrics": result.metrics,
        "results": [
            {
                "id": outcome.case.id,
                "line": outcome.case.line,
                "rm_id": outcome.rm_id,
                "today": outcome.today.isoformat() if outcome.today else None,
                "own_fixture": outcome.case.fixture is not None,
                "input": outcome.case.input,
                "expected": outcome.case.expected,
                "output": outcome.output,
                "checks": outcome.checks,
                "counts": outcome.counts,
                "passed": outcome.passed,
                "error": outcome.error,
                "ms": round(outcome.seconds * 1000, 1),
            }
            for outcome in result.outcomes
        ],
    }


# ----- the command line ----------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evals", description="Run an evaluation suite over a cases file.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run SUITE over CASES.jsonl")
    run.add_argument("suite", help="the suite to run (e.g. data_entry)")
    run.add_argument("--cases", required=True, type=Path, help="the cases, one JSON object a line")
    run.add_argument("--fixture", type=Path, help="the bank (crm-schema fixture) for cases without their own")
    run.add_argument("--model", help="none | local | openai:<model> (default: the app's default, AGENTIFY_MODEL)")
    run.add_argument("--out", type=Path, help="where to write the per-case results (JSON)")
    run.add_argument("-v", "--verbose", action="store_true", help="log every step (stderr)")
    agree = commands.add_parser("agree", help="score a second annotator's labels of CASES.jsonl as if they were output")
    agree.add_argument("suite", help="the suite whose scoring is used (e.g. data_entry)")
    agree.add_argument("--cases", required=True, type=Path, help="the cases, one JSON object a line")
    agree.add_argument("--labels", required=True, type=Path, help='the second reading: {"id", "expected"} a line')
    agree.add_argument("--out", type=Path, help="where to write the per-case disagreements (JSON)")
    agree.add_argument("-v", "--verbose", action="store_true", help="log every step (stderr)")
    return parser


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("evals").setLevel(logging.INFO)


def _model_setting(requested: str | None) -> str:
    setting = requested if requested is not None else default_model_setting()
    try:
        parsed = parse_model_setting(setting)
        load_chat_model(str(parsed))  # fails now, clearly, rather than once per case
    except (ValueError, ModelUnavailableError) as error:
        raise CannotRun(f"model {setting!r} cannot be used: {error}") from None
    return str(parsed)


def _default_fixture(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        data = read_fixture_file(path)
        parse_fixture(data)
    except FixtureError as error:
        raise CannotRun(f"fixture {path}: {error}") from None
    return dict(data)


def run_command(args: argparse.Namespace) -> int:
    from evals.suites import UnknownSuite, get_suite

    try:
        suite = get_suite(args.suite)
        fixture = _default_fixture(args.fixture)
        cases = load_cases(args.cases, suite, have_default_fixture=fixture is not None)
        model = _model_setting(args.model)
        if args.out is not None and not args.out.parent.is_dir():
            raise CannotRun(f"--out {args.out}: no such folder {args.out.parent}")
        logger.info("suite %s: %d cases, model %s", suite.name, len(cases), model)
        result = run_suite(
            suite,
            cases,
            default_fixture=fixture,
            default_fixture_label=str(args.fixture) if args.fixture else "--fixture",
            model=model,
        )
    except (CannotRun, UnknownSuite) as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_CANNOT_RUN
    except FixtureError as error:
        sys.stderr.write(f"error: fixture: {error}\n")
        return EXIT_CANNOT_RUN
    if args.out is not None:
        document = result_document(result, cases_path=args.cases, fixture_path=args.fixture)
        args.out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        logger.info("per-case results in %s", args.out)
    failed = [outcome.case.id for outcome in result.outcomes if not outcome.passed]
    if failed:
        logger.info("not passed (%d): %s", len(failed), ", ".join(failed))
    sys.stdout.write(json.dumps(result.metrics, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return EXIT_OK


def agree_command(args: argparse.Namespace) -> int:
    from evals.agreement import agreement, read_labels
    from evals.suites import UnknownSuite, get_suite

    try:
        suite = get_suite(args.suite)
        cases = load_cases(args.cases, suite, have_default_fixture=True)
        labels = read_labels(args.labels, {case.id for case in cases})
        if args.out is not None and not args.out.parent.is_dir():
            raise CannotRun(f"--out {args.out}: no such folder {args.out.parent}")
    except (CannotRun, UnknownSuite) as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_CANNOT_RUN
    result = agreement(suite, cases, labels)
    if args.out is not None:
        disagreements = [
            {
                "id": outcome.case.id,
                "expected": outcome.case.expected,
                "label": outcome.output,
                "checks": outcome.checks,
            }
            for outcome in result.outcomes
            if not all(outcome.checks.values())
        ]
        document = {"metrics": result.metrics, "unlabelled": result.unlabelled, "disagreements": disagreements}
        args.out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(result.metrics, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage and why on stderr
        return int(exit_.code or 0) and EXIT_CANNOT_RUN
    _configure_logging(args.verbose)
    if args.command == "run":
        return run_command(args)
    if args.command == "agree":
        return agree_command(args)
    parser.print_usage(sys.stderr)  # pragma: no cover - argparse requires a command
    return EXIT_CANNOT_RUN
