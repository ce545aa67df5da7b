"""Where the flows, content and catalogs are when FLOWS_DIR, CONTENT_DIR or TRANSLATIONS_DIR
do not say.

The first of these that exists, folder by folder:

1. `flows`, `content`, `translations` in the working directory (as always: `make chat` and a
   developer in the checkout see these, and messages name them short, `flows/menu.yaml`);
2. the checkout the package runs from (`pip install -e .`, started from another folder);
3. the copies inside the installed package (`bot/shipped/`), which the build puts there from
   the checkout, with the catalogs compiled (`setup.py`), so that an installed `welcomebot`
   runs anywhere. They are for reading: a city that edits its content (contacts, notices,
   FAQ vectors) copies `content` somewhere writable once and sets CONTENT_DIR.

When none exists, the name alone is returned, so an error names the folder it looked for.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
SHIPPED = PACKAGE / "shipped"
"""Where the build puts the copies of `flows`, `content` and `translations`."""

FOLDERS = ("flows", "content", "translations")


def default_dir(name: str) -> Path:
    """The folder `name` (one of FOLDERS) stands for when no setting names it."""
    if name not in FOLDERS:
        raise ValueError(f"no default folder {name!r}")
    here = Path(name)
    if here.is_dir():
        return here
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / name).is_dir():
        return CHECKOUT / name
    if (SHIPPED / name).is_dir():
        return SHIPPED / name
    return here
