"""The command line: ``certkit`` and its commands.

`app` builds the parser and runs a command; each module of `commands` adds one command. May
import every wing. No command imports another command.
"""
