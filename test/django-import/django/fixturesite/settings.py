"""The reference server's settings (../../../../shared/reference/refsite/settings.py) with every
password hasher Django 3.2 ships enabled, so make_password() can write each format. The
preferred (first) hasher stays Django's default, PBKDF2 with SHA-256."""
import os

from refsite.settings import *  # noqa: F401,F403  (the reference server, unchanged)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "django.contrib.auth.hashers.SHA1PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",
    "django.contrib.auth.hashers.UnsaltedMD5PasswordHasher",
    "django.contrib.auth.hashers.CryptPasswordHasher",
]

if os.environ.get("FIXTURE_POSTGRES_SCHEMA"):
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "test",
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "OPTIONS": {"options": "-c search_path=" + os.environ["FIXTURE_POSTGRES_SCHEMA"]},
    }}
