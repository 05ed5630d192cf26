"""The window icon and example training configs, installed as vaegui.resources (see setup.py)."""
