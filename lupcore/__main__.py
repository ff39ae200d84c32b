import sys

from lupcore.cli import main

sys.exit(main())
