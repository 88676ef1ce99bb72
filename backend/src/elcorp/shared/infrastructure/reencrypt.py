"""Re-encrypt every registered encrypted column under the newest key (key rotation, and
the move of legacy Fernet values to AES-256-GCM)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import column, select, table, update
from sqlalchemy.orm import Session

from elcorp.shared.security.encryption import EncryptedColumn, FieldCipher


def reencrypt_columns(
    session_factory: Callable[[], Session],
    cipher: FieldCipher,
    columns: Iterable[EncryptedColumn],
    *,
    batch_size: int = 500,
) -> dict[str, int]:
    """Rewrite each non-null value not yet under the current key (an older AES-256-GCM key
    or a legacy Fernet token), in batches of `batch_size` rows, one transaction per batch.

    Returns the values rewritten per `table.column`. Safe to re-run: values already under
    the current key are left alone, so a second run rewrites nothing.
    """
    counts: dict[str, int] = {}
    for spec in columns:
        tbl = table(spec.table, column(spec.primary_key), column(spec.column))
        pk, col = tbl.c[spec.primary_key], tbl.c[spec.column]
        done = 0
        last: object = None
        while True:
            with session_factory() as session, session.begin():
                query = select(pk, col).where(col.is_not(None)).order_by(pk).limit(batch_size)
                if last is not None:
                    query = query.where(pk > last)
                rows = session.execute(query.with_for_update()).all()
                for row_pk, token in rows:
                    if cipher.is_current(str(token)):
                        continue
                    session.execute(
                        update(tbl).where(pk == row_pk).values({spec.column: cipher.rotate(str(token))})
                    )
                    done += 1
            if len(rows) < batch_size:
                break
            last = rows[-1][0]
        counts[f"{spec.table}.{spec.column}"] = done
    return counts
