"""``python -m sdg``: see :mod:`sdg.cli`."""

import sys

from sdg.cli import main

sys.exit(main())
