"""The command line's subcommands beyond `train` and `gui`: each module adds its parser and runs its command."""
