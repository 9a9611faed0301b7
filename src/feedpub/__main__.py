"""python -m feedpub"""

from .cli import main

main()
