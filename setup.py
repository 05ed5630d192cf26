"""Ships the top-level resources/ folder (window icon, example configs) inside the package as vaegui.resources.

Everything else is in pyproject.toml. pyproject.toml alone cannot add a package from outside the
vaegui/ folder to the ones it finds, so the mapping lives here; editable installs map it too.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["vaegui", "vaegui.*"]), "vaegui.resources", "vaegui.resources.configs"],
    package_dir={"vaegui.resources": "resources"},
    package_data={"vaegui.resources": ["*.svg", "configs/*.json"]},
)
