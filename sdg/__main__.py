"""``python -m sdg``: see :mod:`sdg.cli`.

Once the command has returned, its output flushed, the parse broker ended and its
folder removed (:func:`sdg.sandbox.shutdown`) and the log handlers flushed, the process
ends with :func:`os._exit`: every command closes the database itself, and the
interpreter's teardown (pandas, DuckDB and every module freed one by one) took a quarter
of a second of a two-second import. A command that raises ends the ordinary way.
"""

import logging
import os
import sys

from sdg import sandbox
from sdg.cli import main


def _flush() -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader has gone (``| head``): nothing more to say
        pass


code = main()
_flush()
sandbox.shutdown()
logging.shutdown()
_flush()
os._exit(code if isinstance(code, int) else 0)
