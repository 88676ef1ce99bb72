#!/usr/bin/env python3
"""Load reference data (roles, permissions, ...) idempotently (same as `elcorp seed`)."""

import sys

from elcorp.cli import main

if __name__ == "__main__":
    sys.exit(main(["seed", *sys.argv[1:]]))
