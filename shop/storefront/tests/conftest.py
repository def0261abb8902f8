from shop.tests.pages import (  # noqa: F401 (fixtures of the page tests)
    _english_while_arranging,
    catalog,
    no_page_cache,
)
