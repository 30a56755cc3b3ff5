"""The ``attrition_scan`` suite: "who is about to leave?" in, the RM's clients at risk out, highest risk first.

Cases are in the ``prioritization`` form (``{"request"}`` → ``{"relevant", "excluded"}``: the clients at risk,
and decoys such as a large inflow or transfers between the client's own accounts) and are scored the same way
(precision at 3, recall at 10, excluded in the top 3, every top-3 entry justified by a fact of the client);
the graph is the attrition scan room (``graphs.attrition_scan.graph``).
"""

from __future__ import annotations

from typing import Any

from evals.runner import Case, CaseEnv, Suite
from evals.suites import prioritization

NAME = "attrition_scan"
GRAPH = "graphs.attrition_scan.graph"


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    return prioritization.run_case(case, env, GRAPH)


SUITE = Suite(
    name=NAME,
    needs_indexes=False,
    run_case=run_case,
    score=prioritization.score,
    metrics=prioritization.metrics,
    validate_case=prioritization.validate_case,
    prepare=prioritization.prepare,
)
