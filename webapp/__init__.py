"""The chat app's own modules, beside its entry point ``app.py`` (a client of the assistant).

* :mod:`webapp.ui_format`: the HTML and Markdown the chat page shows;
* :mod:`webapp.feedback`: 👍/👎 on answers, kept in ``<data_dir>/feedback.jsonl``;
* :mod:`webapp.uploads`: where uploads are stored, and the clean-up after a crash;
* :mod:`webapp.login`: the optional login and its throttle.

Nothing below the app imports them.
"""
