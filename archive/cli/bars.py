"""The bars of archive_progress (archive/cli/progress.py): one per stage the library reports,
with files and bytes done, the rate and the time left. Imported only when a bar is shown."""

from __future__ import annotations

from rich.console import Console
from rich.filesize import decimal
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Column
from rich.text import Text

from archive.progress import Done


class AmountColumn(ProgressColumn):
    """`3/20 files, 1.2/9.8 GB, 85.0 MB/s`, or `12/40` for a stage that counts no bytes."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("weighed"):
            return Text(task.fields.get("items", ""))
        speed = task.finished_speed or task.speed
        rate = f", {decimal(int(speed))}/s" if speed else ""
        return Text(f"{task.fields['items']} files, {decimal(int(task.completed))}/"
                    f"{decimal(int(task.total or 0))}{rate}")


class StageBars:
    """One transient rich bar on stderr per stage (`indexing`, `checking`, ...)."""

    def __init__(self, console: Console | None = None) -> None:
        self.progress = Progress(
            # The figures never wrap: on an 80-column terminal the bar gets narrower instead
            # of the line turning into two that are redrawn on every refresh.
            TextColumn("[bold]{task.description}"), BarColumn(),
            AmountColumn(table_column=Column(no_wrap=True)),
            TimeRemainingColumn(), console=console or Console(stderr=True, highlight=False),
            transient=True)
        self.tasks: dict[str, TaskID] = {}

    def report(self, done: Done) -> None:
        weighed = done.total_size > 0
        if done.stage not in self.tasks:
            self.tasks[done.stage] = self.progress.add_task(
                done.stage, total=done.total_size if weighed else done.total_items,
                items=f"0/{done.total_items}", weighed=weighed)
        self.progress.update(self.tasks[done.stage],
                             completed=done.size if weighed else done.items,
                             items=f"{done.items}/{done.total_items}")
