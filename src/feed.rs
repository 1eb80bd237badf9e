//! Atom feed, sitemap and robots.txt.
