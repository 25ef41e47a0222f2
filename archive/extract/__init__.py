"""What a page says: its decoded text, the article's headline and body (trafilatura), the
sources it cites, the articles a listing, feed or sitemap leads to, and the normalised text
and hash that decide versions. Pure functions of bytes; imports only `limits`."""
