"""Every word the product search says, in English and Vietnamese."""

from __future__ import annotations

from typing import Any

from tools.core.language import supported_language


def ranked(found: dict[str, Any], language: str) -> str:
    lang = supported_language(language)
    products = found["products"]
    if not products:
        return ("Không có sản phẩm nào của ngân hàng phù hợp nhu cầu này." if lang == "vi"
                else "None of the bank's products fits this need.")  # fmt: skip
    head = "Sản phẩm phù hợp, tốt nhất trước:" if lang == "vi" else "Products that fit, best first:"
    lines = [head]
    for rank, item in enumerate(products, 1):
        source = f" ({item['document_id']})" if item.get("document_id") else ""
        lines.append(f"{rank}. {item['name']}{source} — {item['why']}")
    if found.get("applied"):
        label = "Đã loại theo quy định" if lang == "vi" else "Ruled out by the bank's rules"
        lines.append(f"\n{label}: " + "; ".join(found["applied"][:5]))
    return "\n".join(lines)


def understood_as(found: dict[str, Any], language: str) -> str:
    need = " + ".join([*found.get("refines", []), found["query"]])
    if supported_language(language) == "vi":
        return f"Tìm sản phẩm cho nhu cầu: “{need}”, theo bảng thông tin sản phẩm và quy định của ngân hàng"
    return f"Products for the need “{need}”, from the bank's product sheets and rules"
