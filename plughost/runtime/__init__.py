"""The running bot: the interactions.py client, command contexts, event tracking,
the runner that `plughost run` starts, and logging.

This is the top of the library: it wires the layers below it (commands, cogs,
permissions, config) into one client. Nothing below imports it.
"""
