"""sohoa: batch digitization of Vietnamese civil-status register books (sổ hộ tịch = civil-status books)."""

__version__ = "0.1.0"
