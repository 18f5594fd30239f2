"""Fills a freshly migrated reference database with the users, groups, permissions and tokens
the import tests need, through Django itself (make_password, the ORM, and the reference's own
/api/token/ views through django.test.Client), and writes a manifest (FIXTURE_MANIFEST) of what
it made: each user's password in clear (test data only), its hash format, and the tokens.

Run by make-fixtures.sh as `manage.py shell -c "exec(open('populate.py').read())"`, with
FIXTURE_KIND=standard (django.contrib.auth's User) or email (users.CustomUser).
"""
import base64
import hashlib
import json
import os
import secrets

import argon2
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.contrib.auth.models import Group, Permission
from django.test import Client

User = get_user_model()
KIND = os.environ["FIXTURE_KIND"]


class LegacyArgon2iHasher(Argon2PasswordHasher):
    """Argon2i with the parameters Django 1.10 to 2.1 wrote (Argon2PasswordHasher before
    Django 3.2 switched it to argon2id): the stored format is the same `argon2$argon2i$...`,
    and Django 3.2's Argon2PasswordHasher still verifies it (asserted below)."""

    def params(self):
        return argon2.Parameters(
            type=argon2.low_level.Type.I, version=19, salt_len=16, hash_len=16,
            time_cost=2, memory_cost=512, parallelism=2,
        )


def scrypt_hash(password):
    """Django 4.0+'s ScryptPasswordHasher.encode, with its defaults (N=2**14, r=8, p=1,
    dklen=64), computed with Python's hashlib.scrypt: Django 3.2 has no scrypt hasher."""
    salt = secrets.token_urlsafe(16)[:22]
    n, r, p = 2 ** 14, 8, 1
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=0, dklen=64)
    return "scrypt$%d$%s$%d$%d$%s" % (n, salt, r, p, base64.b64encode(digest).decode("ascii"))


def scrypt_check(password, encoded):
    _, n, salt, r, p, stored = encoded.split("$")
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=int(n), r=int(r), p=int(p), dklen=64)
    return base64.b64encode(digest).decode("ascii") == stored


def encode(password, fmt):
    if fmt == "argon2i":
        hasher = LegacyArgon2iHasher()
        return hasher.encode(password, hasher.salt())
    if fmt == "scrypt":
        return scrypt_hash(password)
    if fmt == "unusable":
        return make_password(None)
    return make_password(password, hasher=fmt)


# (login, password, format, extra fields)
if KIND == "standard":
    SPECS = [
        ("kyoko", "contrasenasegura", "pbkdf2_sha256", {"is_staff": True, "is_superuser": True, "email": "kyoko@example.com"}),
        ("ada", "Analytical-Engine-1843", "pbkdf2_sha256", {"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"}),
        ("blaise", "Pascaline-calculator-1642", "pbkdf2_sha1", {"email": "blaise@example.com"}),
        ("charles", "Difference-Engine-1822", "argon2", {"email": "charles@example.com"}),
        ("dorothy", "Crystallography-1964", "argon2i", {}),
        ("edsger", "Goto-considered-harmful", "bcrypt_sha256", {}),
        ("frances", "Optimizing-compilers-2006", "bcrypt", {}),
        ("grace", "Nanosecond-wire-11.8in", "scrypt", {}),
        ("hedy", "Frequency-hopping-1942", "sha1", {}),
        ("ida", "Bell-Labs-rhyme-1950", "md5", {}),
        ("john", "Stored-program-1945", "unsalted_sha1", {}),
        ("katherine", "Orbital-mechanics-1962", "unsalted_md5", {}),
        ("linus", "Crypt3-des-salt", "crypt", {}),
        ("margaret", None, "unusable", {}),
        ("niklaus", "contraseña-segura-ñ🔐", "pbkdf2_sha256", {}),
        ("olga", "Inactive-account-1960", "pbkdf2_sha256", {"is_active": False}),
    ]
    LOGIN_FIELD = "username"
else:
    SPECS = [
        ("kyoko@example.com", "contrasenasegura", "pbkdf2_sha256", {"is_staff": True, "is_superuser": True, "name": "Kyoko"}),
        ("ada@example.com", "Analytical-Engine-1843", "pbkdf2_sha256", {"name": "Ada Lovelace"}),
        ("blaise@example.com", "Pascaline-calculator-1642", "bcrypt_sha256", {"name": "Blaise Pascal"}),
        ("charles@example.com", "Difference-Engine-1822", "argon2", {}),
        ("grace@example.com", "Nanosecond-wire-11.8in", "scrypt", {}),
        ("margaret@example.com", None, "unusable", {}),
    ]
    LOGIN_FIELD = "email"

manifest = {"kind": KIND, "login_field": LOGIN_FIELD, "users": [], "groups": {}, "tokens": {}}
for login, password, fmt, extra in SPECS:
    user = User(**{LOGIN_FIELD: login}, **extra)
    user.password = encode(password, fmt)
    user.save()
    if fmt == "scrypt":
        assert scrypt_check(password, user.password), login
    elif fmt == "unusable":
        assert not user.has_usable_password(), login
    else:
        # Django itself accepts every hash it just wrote (no setter: nothing is upgraded here).
        assert check_password(password, user.password), (login, fmt)
    manifest["users"].append({
        "id": user.pk, "login": login, "password": password, "format": fmt,
        "is_active": user.is_active, "encoded": user.password,
    })

editors = Group.objects.create(name="editors")
readers = Group.objects.create(name="readers")
editors.permissions.add(*Permission.objects.filter(content_type__app_label="auth", codename__in=["add_group", "change_group"]))
readers.permissions.add(*Permission.objects.filter(content_type__app_label="auth", codename__in=["view_group"]))
ada = User.objects.get(**{LOGIN_FIELD: SPECS[1][0]})
ada.groups.add(editors, readers)
ada.user_permissions.add(Permission.objects.get(content_type__app_label="token_blacklist", codename="view_outstandingtoken"))
User.objects.get(**{LOGIN_FIELD: SPECS[2][0]}).groups.add(readers)
for group in (editors, readers):
    manifest["groups"][group.name] = sorted(
        "%s.%s" % (p.content_type.app_label, p.codename) for p in group.permissions.all()
    )

# Tokens issued by the reference's own views, as a client logging in would get them.
client = Client()


def obtain(login, password):
    response = client.post("/api/token/", {LOGIN_FIELD: login, "password": password}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


kyoko_login, kyoko_password = SPECS[0][0], SPECS[0][1]
kept = obtain(kyoko_login, kyoko_password)
revoked = obtain(kyoko_login, kyoko_password)
response = client.post("/api/token/blacklist/", {"refresh": revoked["refresh"]}, content_type="application/json")
assert response.status_code == 200, response.content
response = client.post("/api/token/refresh/", {"refresh": revoked["refresh"]}, content_type="application/json")
assert response.status_code == 401, response.content
manifest["tokens"] = {
    "user_id": User.objects.get(**{LOGIN_FIELD: kyoko_login}).pk,
    "access": kept["access"],
    "refresh": kept["refresh"],
    "blacklisted_refresh": revoked["refresh"],
}

with open(os.environ["FIXTURE_MANIFEST"], "w") as out:
    json.dump(manifest, out, indent=1, ensure_ascii=False)
    out.write("\n")
