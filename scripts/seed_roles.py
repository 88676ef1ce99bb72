#!/usr/bin/env python3
"""Load reference data idempotently (same as `elcorp seed`).

Inserts whatever the database lacks of the system roles, the permission catalogue and the
system roles' grants, as `elcorp/governance/domain/rbac.py` declares them (the migrations
insert the same rows, so on a migrated database it adds nothing).
"""

import sys

from elcorp.cli import main

if __name__ == "__main__":
    sys.exit(main(["seed", *sys.argv[1:]]))
