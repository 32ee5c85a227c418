"""ocopsite: a static site generator for OCOP products (Mỗi xã một sản phẩm)."""

__version__ = "0.1.0"
