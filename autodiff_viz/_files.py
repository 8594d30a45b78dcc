"""Files the command line reads and writes: one safe writer, one reader of typed text.

:func:`write_file` writes to a temporary file in the target's folder and renames it into
place, so a failed run never leaves a truncated file; it refuses to replace an existing file
unless told to, and never writes through a symbolic link (the link itself is replaced).

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "fig.dot")
>>> write_file(path, "digraph {}") == path
True
>>> write_file(path, "digraph { a }", overwrite=False)
Traceback (most recent call last):
...
autodiff_viz._files.OutputExists: ...fig.dot already exists: pass --force (overwrite=True) ...
"""

from __future__ import annotations

import os
import sys
import tempfile

__all__ = ["write_file", "read_source", "OutputExists", "InputNotText"]


class OutputExists(ValueError):
    """The output file exists (or is a link) and replacing it was not asked for."""


class InputNotText(ValueError):
    """Standard input (or a file) is not UTF-8 text."""


def write_file(path: str | os.PathLike, data: bytes | str, *, overwrite: bool = True) -> str:
    """Write ``data`` to ``path`` atomically (temporary file + rename); returns the path.

    Args:
        path: the file to write.
        data: bytes, or text (written as UTF-8).
        overwrite: replace an existing file. When False an existing file (or a symbolic
            link, even a dangling one) is an :class:`OutputExists` error, checked without a
            race: the new file is linked into place, which fails if the name is taken.
    """
    path = os.fspath(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if os.path.isdir(path) and not os.path.islink(path):
        raise OutputExists(f"{path} is a folder: give a file name, e.g. {path}/figure.svg")
    if not overwrite and os.path.lexists(path):
        raise OutputExists(f"{path} already exists: pass --force (overwrite=True) to replace "
                           "it")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)[:40]}.", suffix=".tmp",
                                   dir=folder)
    except OSError as exc:  # name the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a figure is an ordinary file
        if overwrite:
            os.replace(tmp, path)  # renames over a link: the link's target is left alone
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise OutputExists(f"{path} already exists: pass --force (overwrite=True) to "
                                   "replace it") from None
            except OSError:  # a file system without hard links: check, then rename
                if os.path.lexists(path):
                    raise OutputExists(f"{path} already exists: pass --force (overwrite=True) "
                                       "to replace it") from None
                os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    return path


def read_source(arg: str) -> str:
    """The typed text of a command: ``arg`` itself, or standard input when ``arg`` is ``-``.

    Standard input is read as bytes and decoded as UTF-8, so a wrong encoding is a clear
    :class:`InputNotText` error naming the first bad byte.
    """
    if arg != "-":
        return arg
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # replaced by a test harness or IDE: already text
        return sys.stdin.read()
    raw = stream.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputNotText(f"standard input is not UTF-8 text (byte 0x{raw[exc.start]:02x} on "
                           f"line {line} cannot be read): save the file as UTF-8, or type "
                           "the expression as an argument") from None
