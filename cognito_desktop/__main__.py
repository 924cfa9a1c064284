from cognito_desktop.app import main

raise SystemExit(main())
