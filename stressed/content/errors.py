from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems(list):
    def add(self, path, line, message):
        self.append(Problem(str(path), int(line or 1), message))
