"""``build.py new <kind> "<name>"``: a commented, valid skeleton for a new entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .kinds import KINDS
from .vietnamese import nfc, slugify

#: Skeletons are drafts (``draft: true``) so nothing half-written is ever published;
#: every line an editor may fill is there, commented, in Vietnamese.
SKELETONS = {
    "product": """\
---
# Sản phẩm OCOP mới. Điền thông tin, rồi xóa dòng "draft: true" để xuất bản.
draft: true
name: "{name}"
# Nhóm: food (thực phẩm) | beverages (đồ uống) | herbal (thảo dược) |
#       handicrafts (thủ công mỹ nghệ) | ornamentals (sinh vật cảnh) | tourism (du lịch)
group: food
# Tên thư mục của chủ thể trong content/producers/ (để trống nếu chưa rõ)
# producer:
# Xã/phường hiện nay (từ 01/07/2025), ví dụ: Xã Cẩm Bình
# commune:
# Hoặc địa chỉ cũ trước năm 2025 (hệ thống tự tìm xã mới):
# former_address:
#   commune: xã Cẩm Vịnh
#   district: huyện Cẩm Xuyên
recognitions:
  # Mỗi quyết định công nhận một mục. Sửa số sao và ngày cho đúng quyết định.
  - stars: 3                 # 3, 4 hoặc 5
    date: {today}            # ngày quyết định: 15/10/2024, hoặc chỉ năm: 2024
    # decision: "2394/QĐ-UBND"
    # kind: first            # first (lần đầu) | renewal (đánh giá lại) | upgrade (nâng hạng)
summary: ""
# images:
#   - src: anh-san-pham.jpg  # ảnh đặt cùng thư mục với file này
#     alt: Mô tả ảnh cho người không xem được ảnh
# contact:
#   phone: "0912345678"
#   zalo: "0912345678"
# price: 150.000             # đồng
# standards: [VietGAP]
# where_to_buy: [Cửa hàng OCOP …]
---
Câu chuyện sản phẩm: nguyên liệu, cách làm, người làm.
""",
    "producer": """\
---
# Chủ thể OCOP mới. Điền thông tin, rồi xóa dòng "draft: true" để xuất bản.
draft: true
name: "{name}"
# Loại hình: enterprise (doanh nghiệp) | cooperative (hợp tác xã) |
#            cooperative_group (tổ hợp tác) | household_business (hộ kinh doanh)
# type: cooperative
# commune: Xã Cẩm Bình
# address: thôn …
# founded: 2015
# contact:
#   phone: "0912345678"
---
Giới thiệu chủ thể.
""",
    "craft": """\
---
# Làng nghề mới. Điền thông tin, rồi xóa dòng "draft: true" để xuất bản.
draft: true
name: "{name}"
# craft: nón lá
# commune: Xã Kỳ Khang
# recognition_type: traditional_craft_village  # traditional_craft | traditional_craft_village | craft_village
# status: recognised                           # recognised | proposed | unconfirmed
# recognition_year: 2014
# decision: "2523/QĐ-UBND"
# products: []                                 # tên thư mục các sản phẩm liên quan
---
Giới thiệu làng nghề.
""",
    "fair": """\
---
# Hội chợ mới. Điền thông tin, rồi xóa dòng "draft: true" để xuất bản.
draft: true
name: "{name}"
start: {today}               # ngày bắt đầu: 15/11/2024 hoặc 2024-11-15 (có thể thêm giờ: 15/11/2024 08:00)
# end: {today}
# venue: quảng trường Trần Phú
# city: TP Hà Tĩnh
# organiser: Sở Công Thương Hà Tĩnh
# booths: 100
# products: []
# producers: []
---
Giới thiệu hội chợ.
""",
    "page": """\
---
# Trang mới. Xóa dòng "draft: true" để xuất bản.
draft: true
title: "{name}"
# summary: Một câu giới thiệu.
# menu: 40                   # vị trí trong menu (bỏ trống nếu không đưa vào menu)
---
Nội dung trang.
""",
}


class NewEntryError(Exception):
    """The entry cannot be created (exists already, or the name gives no slug)."""


def create(root: Path, kind: str, name: str, today: dt.date) -> Path:
    """Write the skeleton of a new ``kind`` entry named ``name``; return its path.

    Raises ``NewEntryError`` if the name gives an empty slug or the entry exists.
    """
    name = nfc(name).strip()
    slug = slugify(name)[:80].rstrip("-")  # file systems cap a name at 255 bytes
    if not slug:
        raise NewEntryError(f"'{name}' gives an empty slug: use letters or digits")
    spec = KINDS[kind]
    path = root / "content" / spec.folder / (f"{slug}/index.md" if spec.bundle else f"{slug}.md")
    if path.exists() or (spec.bundle and path.parent.exists()):
        raise NewEntryError(f"{path.relative_to(root).as_posix()} already exists; nothing was changed")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = SKELETONS[kind].format(name=name.replace('"', '\\"'), today=today.isoformat())
    with open(path, "x", encoding="utf-8", newline="\n") as f:  # "x": never overwrite
        f.write(text)
    return path
