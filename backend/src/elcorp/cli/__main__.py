from elcorp.cli import main

main()
