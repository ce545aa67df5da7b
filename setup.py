"""The build step pyproject.toml cannot say: the package takes `flows/`, `content/` and
`translations/` along, with the catalogs compiled.

They stay where they are in the checkout (everyone edits them there); the build copies them
into `bot/shipped/` of the wheel and compiles each `messages.po` into its `messages.mo`
with Babel (a build requirement), so an installed `welcomebot` runs outside a checkout
(`bot/paths.py` finds them). The `.mo` files are not in git: they are made from the `.po`
at every build, so a wheel never carries a catalog older than its source.
`pip install -e .` copies nothing: the checkout's own folders are used.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
FOLDERS = ("flows", "content", "translations")
SKIP = shutil.ignore_patterns("*.mo", "__pycache__", ".*", "*~", "*.swp")


def compile_catalogs(folder: Path) -> list[Path]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    made = []
    for po in sorted(folder.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parts[-3], domain=po.stem)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, catalog)
        made.append(mo)
    return made


class BuildWithContent(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "bot" / "shipped"
        shutil.rmtree(target, ignore_errors=True)
        for name in FOLDERS:
            shutil.copytree(ROOT / name, target / name, ignore=SKIP)
        if not compile_catalogs(target / "translations"):
            raise SystemExit("no translations/*/LC_MESSAGES/*.po to compile")

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        shipped = Path(self.build_lib) / "bot" / "shipped"
        extra = [str(p) for p in shipped.rglob("*") if p.is_file()] if shipped.is_dir() else []
        return [*super().get_outputs(include_bytecode), *extra]


setup(cmdclass={"build_py": BuildWithContent})
