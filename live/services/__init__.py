"""Every write and rule of live shows: shows, pins, comments, moderation, deals, keys.

Reads live in ``live.selectors``; publishing to sockets in ``live.realtime``; video
sessions in ``live.streaming``.
"""
