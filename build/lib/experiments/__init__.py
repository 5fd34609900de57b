"""Command-line entry points (thin wrappers around :func:`sim.run`)."""
