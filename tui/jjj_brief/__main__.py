from jjj_brief.cli import main

raise SystemExit(main())
