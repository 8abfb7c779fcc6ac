"""The PySide6 window over the core. Nothing here is imported by the core."""
