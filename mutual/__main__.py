from mutual.cli import main

main()
