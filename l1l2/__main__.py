"""Run the ``l1l2`` command: ``python -m l1l2 [apple | experiment ...]``."""

import sys

from l1l2.cli import main

if __name__ == "__main__":
    sys.exit(main())
