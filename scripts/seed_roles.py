#!/usr/bin/env python3
"""Load reference data idempotently (same as `elcorp seed`).

The system roles and the permission catalogue are created by migration 0002 (so every
database has them, whichever way it was migrated); this runs the other seeders, if any.
"""

import sys

from elcorp.cli import main

if __name__ == "__main__":
    sys.exit(main(["seed", *sys.argv[1:]]))
