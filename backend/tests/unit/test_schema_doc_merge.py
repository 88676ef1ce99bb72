"""The schema document's generator rewrites only its own part of the file."""

from __future__ import annotations

from elcorp.cli.schema_doc import BEGIN, END, Column, Relation, merge, render_er_diagram, render_table


def test_merge_replaces_only_the_generated_part() -> None:
    document = f"# Schema\n\nProse kept.\n\n{BEGIN}\nold tables\n{END}\n\n## After\n\nMore prose.\n"
    generated = f"{BEGIN}\nnew tables\n{END}\n"
    merged = merge(document, generated)
    assert merged == f"# Schema\n\nProse kept.\n\n{BEGIN}\nnew tables\n{END}\n## After\n\nMore prose.\n"
    assert merge(merged, generated) == merged


def test_merge_appends_the_part_to_a_document_without_markers() -> None:
    assert (
        merge("# Schema\n\nProse.\n", f"{BEGIN}\nx\n{END}\n") == f"# Schema\n\nProse.\n\n{BEGIN}\nx\n{END}\n"
    )


def test_a_table_lists_columns_constraints_indexes_and_triggers() -> None:
    table = Relation("invoice", "table", "Tax | invoices")
    table.columns = [
        Column("id", "uuid", True, None, None),
        Column("status", "text", True, "'draft'::text", "draft | issued"),
    ]
    table.constraints = [("pk_invoice", "primary key", "PRIMARY KEY (id)")]
    table.indexes = [("ix_invoice_status", "btree (status) WHERE (status <> 'void'::text)")]
    table.triggers = [
        ("invoice_frozen", "BEFORE UPDATE ON invoice FOR EACH ROW EXECUTE FUNCTION invoice_frozen()")
    ]
    lines = "\n".join(render_table(table))
    assert "Tax \\| invoices" in lines
    assert "| `status` | `text` | not null | `'draft'::text` | draft \\| issued |" in lines
    assert "- `pk_invoice` primary key: `PRIMARY KEY (id)`" in lines
    assert "- `ix_invoice_status`: `btree (status) WHERE (status <> 'void'::text)`" in lines
    assert "- `invoice_frozen`: `BEFORE UPDATE ON invoice" in lines


def test_optional_foreign_keys_are_drawn_as_zero_or_one() -> None:
    child = Relation("invoice", "table", None)
    child.references = [
        ("user_account", "invoice_payer_id_fkey", False),
        ("payment_transaction", "fk_paid", True),
    ]
    diagram = render_er_diagram([child])
    assert '    payment_transaction |o--o{ invoice : "fk_paid"' in diagram
    assert '    user_account ||--o{ invoice : "invoice_payer_id_fkey"' in diagram
