"""The product catalog's terms: what a product is, who it is for, and which product a request names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from stores.db import Database
from stores.schema import Product
from tools.core.text import fold_words


@dataclass(frozen=True)
class ProductTerms:
    code: str
    name: str
    category: str
    min_amount_vnd: int | None = None
    target_segments: tuple[str, ...] = ()
    summary: str = ""

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ProductTerms:
        segments = tuple(part.strip() for part in str(row.get("target_segments") or "").split(",") if part.strip())
        minimum = row.get("min_amount_vnd")
        return cls(
            code=str(row["code"]),
            name=str(row["name"]),
            category=str(row["category"]),
            min_amount_vnd=int(minimum) if minimum is not None else None,
            target_segments=segments,
            summary=str(row.get("summary") or ""),
        )


def _products(database: Database) -> list[ProductTerms]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(
                Product.code,
                Product.name,
                Product.category,
                Product.min_amount_vnd,
                Product.target_segments,
                Product.summary,
            )
            .where(Product.active.is_(True))
            .order_by(Product.code)
        ).all()
        return [
            ProductTerms.from_row(
                {
                    "code": row.code,
                    "name": row.name,
                    "category": row.category,
                    "min_amount_vnd": row.min_amount_vnd,
                    "target_segments": row.target_segments,
                    "summary": row.summary,
                }
            )
            for row in rows
        ]


def load_product(database: Database, code: str) -> ProductTerms | None:
    """The active product ``code`` (case-insensitive), or None."""
    wanted = code.strip().upper()
    return next((product for product in _products(database) if product.code.upper() == wanted), None)


def _words(text: str) -> str:
    return " ".join(fold_words(text))


def find_product(database: Database, text: str) -> ProductTerms | None:
    """The active product whose name (or code) the text names; the longest name wins."""
    folded = f" {_words(text)} "
    best: ProductTerms | None = None
    for product in _products(database):
        names = {_words(product.name), _words(product.code.replace("_", " ")), _words(product.code)}
        named = any(name and f" {name} " in folded for name in names)
        if named and (best is None or len(product.name) > len(best.name)):
            best = product
    return best
