"""Phase (e): a large content import running beside students answering quizzes.

The import is `manage.py load_content` over a copy of content/ plus generated quiz files
(`questions` questions in all, 100 to a file), in its own process, as an admin would run it.
Students keep answering, pausing like students, until the import has finished. The site
renders the import's Markdown before its write transaction, so SQLite's single write lock is
held only for the bulk writes; the target is that no student sees an error.
"""

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

from bench.drivers import run_quiz_load
from bench.server import REPO, HarnessError

PER_FILE = 100


@dataclass
class ImportLoad:
    questions: int
    import_seconds: float
    loads: list  # QuizLoad per round of answering

    @property
    def answers(self):
        return [answer for load in self.loads for answer in load.answers]

    @property
    def latencies_ms(self):
        return [ms for load in self.loads for ms in load.latencies_ms]

    @property
    def errors(self):
        return [answer for load in self.loads for answer in load.errors]


def write_content(root, questions):
    """content/ copied to `root`, plus generated quizzes holding `questions` questions."""
    shutil.copytree(REPO / "content", root)
    for number in range(0, questions, PER_FILE):
        count = min(PER_FILE, questions - number)
        (root / "quizzes" / f"zz-import-{number // PER_FILE:04d}.yaml").write_text(
            _quiz(number // PER_FILE, count), encoding="utf-8"
        )
    return root


def _quiz(index, count):
    lines = [
        f"slug: import-load-{index:04d}",
        f'title: "Imported bank {index}"',
        "published: false",
        "questions:",
    ]
    for n in range(count):
        right = n % 4  # the right option moves around, as the item-writing linter asks
        options = [f"Option {k} of item {n} in bank {index}" for k in range(4)]
        lines += [
            f"  - key: item-{n:03d}",
            "    type: single",
            f'    prompt: "Item {n} of bank {index}: which **receptor** is meant?"',
            "    explanation: Because the *lesson* says so.",
            "    choices:",
        ]
        for k, text in enumerate(options):
            lines.append(f'      - text: "{text}"')
            lines.append(f"        fraction: {1 if k == right else 0}")
            lines.append("        feedback: A short note on this option.")
            if k != right:
                lines.append(f"        misconception: bench-myth-{k}")
    return "\n".join(lines) + "\n"


def run_import_load(site, port, quiz_slugs, students, think, questions, timeout):
    """Start the import, keep `students` answering until it ends; return an ImportLoad."""
    tree = write_content(site.root / "import-content", questions)
    command = [sys.executable, "manage.py", "load_content", "--root", str(tree)]
    started = time.monotonic()
    importer = subprocess.Popen(
        command, cwd=REPO, env=site.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    loads = []
    try:
        while importer.poll() is None:
            if time.monotonic() - started > timeout:
                raise HarnessError(f"the import took over {timeout:.0f} s")
            loads.append(run_quiz_load(port, quiz_slugs, students, timeout=timeout, think=think))
        output = importer.stdout.read().decode(errors="replace")
        if importer.returncode != 0:
            raise HarnessError(f"load_content failed (exit {importer.returncode}):\n{output}")
        return ImportLoad(questions, time.monotonic() - started, loads)
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.wait()
