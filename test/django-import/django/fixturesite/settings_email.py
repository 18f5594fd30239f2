"""The reference server with the tutorials' custom user model: users log in by email
(`users.CustomUser`, USERNAME_FIELD = "email"), so simplejwt's obtain view asks for
{"email", "password"}."""
from fixturesite.settings import *  # noqa: F401,F403

INSTALLED_APPS = [*INSTALLED_APPS, "users"]  # noqa: F405
AUTH_USER_MODEL = "users.CustomUser"
