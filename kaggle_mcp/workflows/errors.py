"""The one domain error of the workflows: what went wrong, and what the agent should do next."""

from __future__ import annotations


class WorkflowError(Exception):
    """A request a workflow cannot carry out. `problem` says why, `next_step` what to do about it;
    `str()` is both, in that order, which is what an agent reads."""

    def __init__(self, problem: str, next_step: str = "") -> None:
        self.problem = problem.strip()
        self.next_step = next_step.strip()
        super().__init__(f"{self.problem} {self.next_step}".strip())
