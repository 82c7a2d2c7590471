"""Settings for the test suite: the product's settings with testing defaults."""

import os

os.environ.setdefault("LICENTIA_TESTING", "1")
os.environ.setdefault("LICENTIA_DEBUG", "1")

from licentia.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
