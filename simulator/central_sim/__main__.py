import sys

from central_sim.cli import main

sys.exit(main())
