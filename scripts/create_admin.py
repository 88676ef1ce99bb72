#!/usr/bin/env python3
"""Create an administrator (same as `elcorp create-admin --email E --password P`)."""

import sys

from elcorp.cli import main

if __name__ == "__main__":
    sys.exit(main(["create-admin", *sys.argv[1:]]))
