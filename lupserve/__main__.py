from lupserve.serve import main

raise SystemExit(main())
