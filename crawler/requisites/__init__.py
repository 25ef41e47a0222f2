"""Page requisites: what an archived page needs to render, captured with it."""
