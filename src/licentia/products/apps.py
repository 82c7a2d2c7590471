from typing import Any

from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "licentia.products"

    def ready(self) -> None:
        from licentia.controllists.signals import list_version_imported

        list_version_imported.connect(_flag_products, dispatch_uid="products-flag-for-review")


def _flag_products(sender: object, *, list_version: Any, diff: Any, **kwargs: Any) -> int:
    from licentia.products.services import flag_for_review

    return flag_for_review(list_version=list_version, diff=diff)
