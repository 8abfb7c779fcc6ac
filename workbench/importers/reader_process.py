"""Reading a large export in a second process, while this one writes.

Parsing an export and writing its records each take about half of a large import, and both are
Python work that one interpreter does one after the other. For an input of ``MIN_BYTES`` or more
the importer's ``read`` runs in a child process (a fresh interpreter, ``python -m
workbench.importers.reader_process``: nothing of the parent's threads, Qt, database connections or
main script is inherited), which sends its records back in pickled batches on its standard output;
the writer consumes them as they come, so the two halves overlap on two cores.

The child only reads files. Everything else stays where it was: the transaction, the writer,
cancel (checked between batches; a cancelled read stops the child), progress (forwarded), the
problems of the file (handed over at the end), and a whole-file failure, which arrives as the
same one-sentence ``ImportFailed`` the importer raised.
"""
from __future__ import annotations

import importlib
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from .. import collector
from ..errors import ImportFailed
from ..records import Record
from .base import MAX_PROBLEMS_KEPT, Importer, ReadContext

MIN_BYTES = 16 << 20  # below this, starting a process (about half a second) costs more than it saves
BATCH = 2000
QUEUED_FRAMES = 64  # batches read ahead of the writer: about 15 MB at most


class _Pipe:
    """The child's end: records in batches, progress as it comes."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.batch: list[Record] = []

    def send(self, kind: str, payload: Any) -> None:
        data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
        self.out.write(len(data).to_bytes(8, "little"))
        self.out.write(data)

    def record(self, rec: Record) -> None:
        self.batch.append(rec)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.send("records", self.batch)
            self.batch = []

    def progress(self, fraction: float, message: str) -> None:
        self.flush()  # what was read before this point arrives before the news of it
        self.send("progress", (fraction, message))
        self.out.flush()


def request(importer: Importer, path: Path, display_name: str, options: dict, input_bytes: int | None = None) -> tuple:
    """What the reading process is asked: the importer by its name and module (the process loads
    that module alone: the others, and the database machinery, would only slow its start), the
    input, and the bytes its progress is a share of (``ReadContext.input_bytes``)."""
    return importer.name, type(importer).__module__, str(path), display_name, options, input_bytes


def _importer(name: str, module: str) -> Importer:
    found = [imp for imp in importlib.import_module(module).IMPORTERS if imp.name == name]
    if not found:
        raise KeyError(f"no importer {name!r} in {module}")
    return found[0]


def _travels(exc: BaseException) -> bool:
    try:
        return type(pickle.loads(pickle.dumps(exc))) is type(exc)
    except Exception:  # noqa: BLE001 - any exception's own arguments may refuse pickling
        return False


def _child(out: BinaryIO, importer_name: str, module: str, path: str, display_name: str, options: dict,
           input_bytes: int | None = None) -> None:
    """Read ``path`` with the named importer and send everything to ``out``."""
    pipe = _Pipe(out)
    try:
        ctx = ReadContext(display_name, progress=pipe.progress, options=options, input_bytes=input_bytes)
        for rec in _importer(importer_name, module).read(Path(path), ctx):
            pipe.record(rec)
        pipe.flush()
        pipe.send("done", (ctx.problems, ctx.problem_count, ctx.skipped, ctx.notes))
    except ImportFailed as exc:  # itself when it survives the trip (one the GUI answers), else its sentence
        pipe.send("failed", exc if _travels(exc) else str(exc))
    except RecursionError:
        pipe.send("recursion", None)
    except MemoryError:
        pipe.send("memory", None)
    except BaseException:  # noqa: BLE001 - a defect: its traceback goes to the parent
        pipe.send("error", traceback.format_exc())
    out.flush()


def _put(frames: queue.Queue, item: bytes | None, stop: threading.Event) -> None:
    """Queue ``item``, waiting while the queue is full, unless the reading is stopped meanwhile."""
    while not stop.is_set():
        try:
            frames.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def _drain(stream: BinaryIO, frames: queue.Queue, stop: threading.Event) -> None:
    """Move the child's frames from the pipe into ``frames`` as fast as they come (the pipe holds only
    64 KiB, so a child whose output waited for the writer would wait with it); None at the end."""
    try:
        while not stop.is_set():
            head = stream.read(8)
            if len(head) < 8:
                break
            _put(frames, stream.read(int.from_bytes(head, "little")), stop)
    except (OSError, ValueError):  # the pipe was closed under us: the read is over
        pass
    finally:
        _put(frames, None, stop)


def read_in_process(importer: Importer, path: Path, ctx: ReadContext) -> Iterator[Record]:
    """The records of ``importer.read(path, ctx)``, read in a child process."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=errors)
        frames: queue.Queue = queue.Queue(maxsize=QUEUED_FRAMES)
        stop = threading.Event()
        drain = threading.Thread(target=_drain, args=(proc.stdout, frames, stop), name="workbench-read-drain",
                                 daemon=True)
        try:
            pickle.dump(request(importer, path, ctx.file, ctx.options, ctx.input_bytes), proc.stdin)
            proc.stdin.close()
            drain.start()
            while True:
                ctx.check_cancel()
                try:
                    data = frames.get(timeout=0.2)
                except queue.Empty:
                    continue
                if data is None:
                    proc.wait(10)
                    errors.seek(0)
                    last = errors.read().decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
                    raise ImportFailed(f"{ctx.file}: reading stopped unexpectedly (the reading process ended with "
                                       f"code {proc.returncode}{': ' + last[0] if last[0] else ''}); nothing "
                                       "was written.")
                kind, payload = pickle.loads(data)
                if kind == "records":
                    yield from payload
                elif kind == "progress":
                    ctx.progress(*payload)
                elif kind == "done":
                    problems, count, skipped, notes = payload
                    room = max(0, MAX_PROBLEMS_KEPT - len(ctx.problems))
                    ctx.problems.extend(problems[:room])
                    ctx.notes.extend(notes[:max(0, MAX_PROBLEMS_KEPT - len(ctx.notes))])
                    ctx.problem_count += count
                    ctx.skipped += skipped
                    return
                elif kind == "failed":
                    raise payload if isinstance(payload, ImportFailed) else ImportFailed(payload)
                elif kind == "recursion":
                    raise RecursionError()
                elif kind == "memory":
                    raise MemoryError()
                else:
                    raise RuntimeError(f"reading {ctx.file} failed in the reading process:\n{payload}")
        finally:
            stop.set()
            if proc.poll() is None:
                proc.kill()
            proc.wait(10)
            if drain.is_alive():
                drain.join(5)
            proc.stdout.close()


def main() -> None:
    """The child: the request on standard input, the records on standard output (and nothing else:
    anything printed goes to standard error)."""
    collector.for_bulk_work()
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=1 << 20)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _child(out, *pickle.load(sys.stdin.buffer))
    out.close()


if __name__ == "__main__":
    main()
