"""``python -m tools.core.llm.llama_server <llama_cpp.server arguments>``: llama.cpp's server, portable.

A portable llama.cpp build (``GGML_BACKEND_DL``, ``GGML_CPU_ALL_VARIANTS``; ``scripts/local-model.sh``) ships its
CPU kernels as separate libraries, one per CPU generation (``libggml-cpu-haswell.so``, ``…-sapphirerapids.so``
with AMX), and loads none by itself: llama-cpp-python does not ask it to, and the model then fails to load
("no backends are loaded"). This launcher asks ggml to load the variants, which keeps the best one the
running CPU supports (AVX-512 and AMX only where present), then hands over to the server.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from pathlib import Path

logger = logging.getLogger(__name__)


def variant_folders() -> list[Path]:
    """Where a pip install puts the CPU variant libraries: beside the package's libraries, or in ``bin``."""
    import llama_cpp

    package = Path(llama_cpp.__file__).parent
    candidates = [package / "lib", package.parent / "bin", Path(sys.prefix) / "bin", Path(sys.prefix) / "lib"]
    return [folder for folder in candidates if any(folder.glob("libggml-cpu-*.so"))]


def load_cpu_variants() -> int:
    """Load the CPU kernels of a portable build; the number of ggml backends registered after (0: none found)."""
    folders = variant_folders()
    if not folders:
        return 0  # a build with its kernels inside libggml (not portable): nothing to load
    import llama_cpp

    ggml = ctypes.CDLL(str(Path(llama_cpp.__file__).parent / "lib" / "libggml.so.0"), mode=ctypes.RTLD_GLOBAL)
    ggml.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
    ggml.ggml_backend_reg_count.restype = ctypes.c_size_t
    ggml.ggml_backend_load_all_from_path(str(folders[0]).encode())
    count = int(ggml.ggml_backend_reg_count())
    logger.info("loaded the CPU kernels of %s: %d backend(s)", folders[0], count)
    return count


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    load_cpu_variants()
    from llama_cpp.server.__main__ import main as serve

    serve()


if __name__ == "__main__":
    main()
