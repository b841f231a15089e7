from ombud.cli import main

main()
