"""feedpub: a folder of podcast episodes in, a validated podcast RSS feed out."""

__version__ = "0.3.0"
