"""The project's Hydra configs, installed as the package ``openmarket_configs``.

In a clone this is the ``configs/`` folder; ``pip install .`` ships it as package data (see
``[tool.setuptools]`` in pyproject.toml), so an installed package finds its configs from any
folder (:data:`sim.hydra_conf.CONFIG_DIR`). Hydra itself ignores this file.
"""
