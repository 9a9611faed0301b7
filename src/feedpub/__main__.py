"""python -m feedpub"""

from .entry import main

main()
