from augenhoehe.cli import main

main()
