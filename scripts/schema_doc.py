#!/usr/bin/env python3
"""Regenerate docs/DATABASE_SCHEMA.md's reference part from a freshly migrated database
(same as `elcorp schema-doc`; `--check` only reports whether the file is out of date)."""

import sys

from elcorp.cli import main

if __name__ == "__main__":
    sys.exit(main(["schema-doc", *sys.argv[1:]]))
