"""A problem found in a flow file, reported with its file and line (goflow's "report, don't
raise": checks collect every issue, so authors see them all at once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Issue:
    code: str
    """A stable kebab-case name: missing-step, unknown-action, duplicate-id, not-a-string..."""
    file: str
    line: int
    message: str
    """What is wrong and how to fix it, for the person who edits the flow."""
    flow: str | None = None
    step: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"flow '{self.flow}'" + (f", step '{self.step}'" if self.step else "")
        prefix = f"{where}: " if self.flow else ""
        return f"{self.file}:{self.line}: {self.severity}: {prefix}{self.message} [{self.code}]"


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]
