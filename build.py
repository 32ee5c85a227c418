"""Build the OCOP site: ``python build.py [build|serve|check]``. See README.md."""

import sys
from pathlib import Path

from ocopsite.cli import main

if __name__ == "__main__":
    sys.exit(main(default_root=Path(__file__).resolve().parent))
