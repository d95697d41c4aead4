"""The kiosk's thermal printer: where it is (`spec`), what a ticket looks like in ESC/POS
(`layout`), what state it is in (`status`), and sending a ticket to it (`device`).

All of it is blocking I/O: the kiosk runs it off the GUI thread (`asyncio.to_thread`).
"""
