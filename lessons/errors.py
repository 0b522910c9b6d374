"""Errors that carry one clear, user-facing message (shown instead of a traceback)."""


class LabError(Exception):
    """Base for every problem a learner can cause or fix: the message says what and how."""


class DatasetError(LabError):
    """A dataset file is missing, unreadable or not what the course expects."""


class UnknownFactError(LabError, KeyError):
    """A fact id that is not in lessons/facts.yaml."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class FactsFileError(LabError):
    """lessons/facts.yaml is malformed or an entry is incomplete."""


class BankError(LabError):
    """The quiz bank is malformed; `problems` lists every problem with file and question id."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"The quiz bank has {len(problems)} problem(s):\n{shown}")
