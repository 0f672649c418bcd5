"""Build step: the wheel carries the repository's top-level ontology/, shapes/ and queries/ folders as
kg/_res/<name>/, so a plain `pip install` of kg has them (kg.resources finds them there).

Why a build_py step and not [tool.setuptools.package-dir]: mapping sub-packages to top-level folders
needs an explicit package list (it cannot be combined with packages.find, so every new kg sub-package
would have to be listed by hand), and an editable install would then read the folders through
setuptools' import hook of the *installed* checkout. Here the editable install and PYTHONPATH runs
simply use the folders in place (kg.resources), and only a wheel gets the copies. The sdist takes
the folders along through MANIFEST.in, so `python -m build` (sdist → wheel) works as well.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = ("ontology", "shapes", "queries")   # kg.resources.NAMES


class BuildWithResources(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):   # an editable install reads the folders in place
            return
        here = Path(__file__).resolve().parent
        for name in RESOURCES:
            target = Path(self.build_lib) / "kg" / "_res" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(here / name, target, ignore=shutil.ignore_patterns("__pycache__", ".*"))


setup(cmdclass={"build_py": BuildWithResources})
