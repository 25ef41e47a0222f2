"""The loopback mock site the crawl tests run against, one module per kind of page.

- server.py: the two recording HTTP/1.1 servers (127.0.0.1 and 127.0.0.2) and their exchange log
- replies.py: the request an endpoint sees, the reply it returns, and reply builders
- routes.py: every path pattern and the endpoint that answers it, in one table
- fidelity.py: one entity sent every way HTTP allows (lengths, chunks, codings), odd headers
- redirects.py: redirects, status codes, and pages pointing wherever a test asks
- misbehaving.py: responses that break HTTP's promises (cut short, slow, dropped, oversized)
- hostile.py: decompression bombs and pages no parser should choke on
- charsets.py: pages in other encodings, declared every way (and in conflict)
- news.py: a tiny news site's endpoints (listing, articles and their variants, the notices
  they cite on the other host, feeds); stories.py is what it says (fiction of its own),
  newspages.py and feeds.py how it looks

Tests use it through the `mocksite` fixture (conftest.py); they import the constants they
compare against from the module that serves them.
"""

from mockserver.server import Exchange, MockServer, MockSite

__all__ = ["Exchange", "MockServer", "MockSite"]
