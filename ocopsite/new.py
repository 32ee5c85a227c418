"""``build.py new <kind> "<name>"``: a commented, valid skeleton for a new entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import Msg, msg
from .kinds import KINDS, RESERVED_PRODUCT_SLUGS, RESERVED_SLUGS
from .vietnamese import nfc, slugify

#: What a skeleton's story says until the editor writes one; a published entry whose story
#: is still this text is an error (``check`` names it).
PLACEHOLDERS = {
    "product": "Viết câu chuyện sản phẩm ở đây: nguyên liệu, cách làm, người làm.",
    "producer": "Viết lời giới thiệu chủ thể ở đây.",
    "craft": "Viết lời giới thiệu làng nghề ở đây.",
    "fair": "Viết lời giới thiệu hội chợ ở đây.",
    "outlet": "Viết vài dòng về điểm bán ở đây: bán gì, ở đâu, cách tìm.",
    "page": "Viết nội dung trang ở đây.",
}

#: Skeletons are drafts (``draft: true``) so nothing half-written is ever published. Facts
#: are left empty, never filled with a guess: while it is a draft, ``check`` lists them as
#: notes; once ``draft: true`` is removed, each empty one is an error until it is filled.
SKELETONS = {
    "product": """\
---
# Sản phẩm OCOP mới. Điền thông tin, rồi xóa dòng "draft: true" để xuất bản.
draft: true
name: "{name}"
# Nhóm: food (thực phẩm) | beverages (đồ uống) | herbal (thảo dược) |
#       handicrafts (thủ công mỹ nghệ) | ornamentals (sinh vật cảnh) | tourism (du lịch)
group:
# Tên thư mục của chủ thể trong content/producers/ (để trống nếu chưa rõ)
producer:
# Xã/phường hiện nay (từ 01/07/2025), ví dụ: Xã Cẩm Bình
commune:
# Hoặc địa chỉ cũ trước năm 2025 (hệ thống tự tìm xã mới):
# former_address:
#   commune: xã Cẩm Vịnh
#   district: huyện Cẩm Xuyên
recognitions:
  # Mỗi quyết định công nhận một mục, đúng như trong quyết định.
  - stars:                   # 3, 4 hoặc 5
    date:                    # ngày quyết định: 15/10/2024, hoặc chỉ năm: 2024, hoặc: chưa rõ
    # decision: "2394/QĐ-UBND"
    # kind: first            # first (lần đầu) | renewal (đánh giá lại) | upgrade (nâng hạng)
summary:
sources:
  # Trang công bố công khai của từng thông tin (báo, cổng thông tin…)
  # - https://…
# images:
#   - src: anh-san-pham.jpg  # ảnh đặt cùng thư mục với file này
#     alt: Mô tả ảnh cho người không xem được ảnh
# price: 150.000             # đồng
# standards: [VietGAP]
# contact:                   # chỉ liên hệ công khai (ghi nguồn ở sources), không ghi số cá nhân
#   phone: "0239 3855 000"
#   zalo: "0239 3855 000"
#   email: htx@example.vn
# where_to_buy:              # cửa hàng, quầy bán
#   - name: Cửa hàng OCOP
#     address: 02 Nguyễn Du, phường Thành Sen
#     phone: "0239 3855 000"
# shops:                     # gian hàng trực tuyến: shopee | postmart | voso | tiktok | website
#   - platform: shopee
#     url: https://shopee.vn/…
---
{placeholder}
""",
    "producer": """\
---
# Chủ thể OCOP mới. Điền thông tin, rồi xóa dòng "draft: true" để xuất bản.
draft: true
name: "{name}"
# Loại hình: enterprise (doanh nghiệp) | cooperative (hợp tác xã) | cooperative_group (tổ hợp tác) |
#            household_business (hộ kinh doanh) | household_producer (hộ sản xuất)
type:
# Xã/phường hiện nay (từ 01/07/2025), ví dụ: Xã Cẩm Bình
commune:
# address: thôn …
# founded: 2015
# contact:                   # chỉ liên hệ công khai của tổ chức, không ghi số điện thoại cá nhân
#   phone: "0912345678"
sources:
  # - https://…
---
{placeholder}
""",
    "craft": """\
---
# Làng nghề mới. Điền thông tin, rồi xóa dòng "draft: true" để xuất bản.
draft: true
name: "{name}"
# craft: nón lá
commune:
# recognition_type: traditional_craft_village  # traditional_craft | traditional_craft_village | craft_village
# status: recognised                           # recognised | proposed | unconfirmed
# recognition_year: 2014
# decision: "2523/QĐ-UBND"
# products: []                                 # tên thư mục các sản phẩm liên quan
sources:
  # - https://…
---
{placeholder}
""",
    "fair": """\
---
# Hội chợ mới. Điền thông tin, rồi xóa dòng "draft: true" để xuất bản.
draft: true
name: "{name}"
start:                       # ngày bắt đầu: 15/11/2024 hoặc 2024-11-15 (có thể thêm giờ: 15/11/2024 08:00)
# end: 17/11/2024
# venue: quảng trường Trần Phú
# city: TP Hà Tĩnh
# organiser: Sở Công Thương Hà Tĩnh
# products: []
# producers: []
sources:
  # - https://…
---
{placeholder}
""",
    "outlet": """\
---
# Điểm bán mới. Điền thông tin, rồi xóa dòng "draft: true" để xuất bản.
draft: true
name: "{name}"
# type: ocop_shop            # ocop_shop | producer_shop | market | supermarket | other (hoặc tên tiếng Việt: chợ, siêu thị …)
commune:
# address: 02 Nguyễn Du
# hours:
#   - days: T2-T7            # hoặc mon-sat, CN, "T2, T4, T6"
#     opens: "7:30"
#     closes: "17:00"
# location: {{lat: 18.34, lon: 105.90}}
# contact:
#   phone: "0239 …"          # chỉ số đã công bố, ghi nguồn ở sources
products: []                 # tên thư mục các sản phẩm bán tại đây
sources:
  # - https://…
---
{placeholder}
""",
    "page": """\
---
# Trang mới. Xóa dòng "draft: true" để xuất bản.
draft: true
title: "{name}"
# summary: Một câu giới thiệu.
# menu: 40                   # vị trí trong menu (bỏ trống nếu không đưa vào menu)
---
{placeholder}
""",
}

def next_steps(path: str) -> Msg:
    """Return what ``new`` prints after the path of the file it made (``path``)."""
    return msg("""\
next:
  1. open {path} and fill in the empty fields (keep only facts from a public source, listed under 'sources:')
  2. preview it: python build.py serve   (then open http://127.0.0.1:8000)
  3. see what is still missing: python build.py check
  4. when it is ready, delete the line 'draft: true'""", path=path)


class NewEntryError(Exception):
    """The entry cannot be created (exists already, its slug is reserved, or the name gives
    no slug); its argument is the message (``Msg``)."""


#: Slugs a kind's entries may not take (the build would refuse them, see ``site``), and
#: what a name that gives one of them is told.
RESERVED = {
    "page": (RESERVED_SLUGS, lambda slug: msg("the name '{slug}' is reserved for a section of the site; nothing was created (choose another name)",
                                              slug=slug)),
    "product": (RESERVED_PRODUCT_SLUGS, lambda slug: msg("the name '{slug}' is reserved for a page of the catalogue; nothing was created "
                                                         "(choose another name)", slug=slug)),
}


def create(root: Path, kind: str, name: str, today: dt.date) -> Path:
    """Write the skeleton of a new ``kind`` entry named ``name``; return its path.

    Raises ``NewEntryError`` if the name gives an empty or a reserved slug, or the entry exists.
    """
    name = nfc(name).strip()
    slug = slugify(name)[:80].rstrip("-")  # file systems cap a name at 255 bytes
    if not slug:
        raise NewEntryError(msg("'{name}' gives an empty slug: use letters or digits", name=name))
    reserved, refused = RESERVED.get(kind, (frozenset(), None))
    if slug in reserved and refused is not None:
        raise NewEntryError(refused(slug))
    spec = KINDS[kind]
    path = root / "content" / spec.folder / (f"{slug}/index.md" if spec.bundle else f"{slug}.md")
    if path.exists() or (spec.bundle and path.parent.exists()):
        raise NewEntryError(msg("{path} already exists; nothing was changed", path=path.relative_to(root).as_posix()))
    path.parent.mkdir(parents=True, exist_ok=True)
    text = SKELETONS[kind].format(name=name.replace('"', '\\"'), placeholder=PLACEHOLDERS[kind])
    with open(path, "x", encoding="utf-8", newline="\n") as f:  # "x": never overwrite
        f.write(text)
    return path
