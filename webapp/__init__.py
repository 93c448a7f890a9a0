"""The chat app's own modules, beside its entry point ``app.py`` (a client of the assistant).

* :mod:`webapp.handlers`: what the page's events do (answer, conversations, feedback, documents);
* :mod:`webapp.chat`: the session the handlers share and the turns of a conversation;
* :mod:`webapp.conversations`: conversations kept per user and browser in the data dir;
* :mod:`webapp.sources_panel`: the sources beside the chat, one section per answer;
* :mod:`webapp.document_view`: the whole document opened at a cited passage;
* :mod:`webapp.page_assets`: the page's CSS, script (``chat_page.js``) and Vietnamese strings;
* :mod:`webapp.api_endpoints`: the named API endpoints for programs;
* :mod:`webapp.ui_format`: escaping, answer Markdown, the documents table, upload names;
* :mod:`webapp.feedback`: 👍/👎 on answers, one current vote per answer in ``feedback.jsonl``;
* :mod:`webapp.uploads`: storing and indexing uploads, and the clean-up after a crash;
* :mod:`webapp.login`: the optional login and its throttle.

Nothing below the app imports them.
"""
