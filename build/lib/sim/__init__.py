"""openmarket-sim: open-weight versus proprietary AI markets under chip export controls."""

from sim.config import SimConfig
from sim.run import run, simulate
from sim.validate import ConfigError

__version__ = "0.1.0"
__all__ = ["ConfigError", "SimConfig", "__version__", "run", "simulate"]
