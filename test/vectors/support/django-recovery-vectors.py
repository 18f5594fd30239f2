#!/usr/bin/python3
"""
Writes test/vectors/django-recovery.json: password-reset tokens and signed email-confirmation keys
computed by real Django 3.2 (Debian's python3-django), for Tessera's compatibility tests.

    /usr/bin/python3 test/vectors/support/django-recovery-vectors.py > test/vectors/django-recovery.json
"""
import datetime
import json
from unittest import mock

from django.conf import settings

settings.configure(
    SECRET_KEY='reference-secret-key-change-me-0123456789abcdef', USE_TZ=True, TIME_ZONE='UTC',
    PASSWORD_RESET_TIMEOUT=3600, INSTALLED_APPS=['django.contrib.auth', 'django.contrib.contenttypes'],
)
import django  # noqa: E402

django.setup()
from django.contrib.auth.tokens import PasswordResetTokenGenerator  # noqa: E402
from django.core import signing  # noqa: E402
from django.utils.encoding import force_bytes  # noqa: E402
from django.utils.http import urlsafe_base64_encode  # noqa: E402


class User:
    def __init__(self, pk, password, last_login, email):
        self.pk, self.password, self.last_login, self.email = pk, password, last_login, email

    def get_email_field_name(self):
        return 'email'


UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 12, 6, 22, 0, 0)
USERS = [
    User(1, 'pbkdf2_sha256$260000$abc$def=', None, 'kyoko@example.com'),
    User(42, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA', datetime.datetime(2026, 12, 5, 10, 11, 12, 345678, tzinfo=UTC), 'Alice@Example.com'),
    User(7, '!unusable', datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC), ''),
    User(123456, 'pbkdf2_sha256$x', None, 'ünï@example.com'),
]


def at(moment, call):
    with mock.patch.object(PasswordResetTokenGenerator, '_now', return_value=moment):
        return call()


generator = PasswordResetTokenGenerator()
reset = []
for user in USERS:
    token = at(NOW, lambda: generator.make_token(user))
    checks = {}
    for label, seconds in [('at_timeout', 3600), ('after_timeout', 3601), ('before_issue', -5)]:
        checks[label] = at(NOW + datetime.timedelta(seconds=seconds), lambda: generator.check_token(user, token))
    tampered = token[:-1] + ('0' if token[-1] != '0' else '1')
    checks['tampered'] = at(NOW, lambda: generator.check_token(user, tampered))
    reset.append({
        'pk': user.pk, 'password': user.password, 'email': user.email,
        'last_login': None if user.last_login is None else user.last_login.isoformat(),
        'now': NOW.isoformat() + 'Z', 'uid': urlsafe_base64_encode(force_bytes(user.pk)),
        'token': token, 'checks': checks,
    })

keys = []
for pk in [1, 42, 99999]:
    with mock.patch('time.time', return_value=1796594400.0):
        keys.append({'pk': pk, 'time': 1796594400, 'salt': 'account', 'key': signing.dumps(obj=pk, salt='account')})

print(json.dumps({'django': django.get_version(), 'secret': settings.SECRET_KEY, 'timeout': 3600,
                  'reset': reset, 'signing': keys}, indent=1, ensure_ascii=False))
