import sys

from kiezgraph.cli import main

sys.exit(main())
