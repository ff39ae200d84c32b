import sys

from lupcore.ingest.build import main

sys.exit(main())
