#!/usr/bin/env python3
"""Create the schema: apply every migration to DATABASE_URL (same as `elcorp migrate`)."""

import sys

from elcorp.cli import main

if __name__ == "__main__":
    sys.exit(main(["migrate", *sys.argv[1:]]))
