"""Only a build hook; the project's metadata is in pyproject.toml.

Before the package is built, tools/build_assets.py fetches the front-end libraries with npm
(package-lock.json) and copies them into src/gongzhi/assets/, so the wheel ships them.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithAssets(build_py):
    def run(self):
        spec = importlib.util.spec_from_file_location(
            "build_assets", HERE / "tools" / "build_assets.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.build()
        super().run()


setup(cmdclass={"build_py": BuildPyWithAssets})
