"""Settings read from the environment fail loudly, and a production configuration is clean."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lodestar.core.env import email_settings, env_bool, env_int, env_list, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
GOOD_KEY = "x7Qp-" * 10  # 50 characters, not one of Django's insecure defaults

# Everything settings.py reads, so the developer's own environment cannot leak into a run.
SETTINGS_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "DATA_DIR",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "REDIS_URL",
    "HUEY_WORKERS",
    "TIME_ZONE",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "ORGANIZATION_NAME",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "LOG_LEVEL",
    "APPLICATION_DIGEST_MINUTES",
]


# env_bool


@pytest.mark.parametrize("raw", ["1", "true", "Yes", " ON "])
def test_env_bool_reads_true(monkeypatch, raw):
    monkeypatch.setenv("LODESTAR_FLAG", raw)
    assert env_bool("LODESTAR_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_reads_false(monkeypatch, raw):
    monkeypatch.setenv("LODESTAR_FLAG", raw)
    assert env_bool("LODESTAR_FLAG", True) is False


def test_env_bool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("LODESTAR_FLAG", raising=False)
    assert env_bool("LODESTAR_FLAG", True) is True


def test_env_bool_rejects_maybe_naming_the_variable(monkeypatch):
    monkeypatch.setenv("LODESTAR_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"LODESTAR_FLAG must be true or false.*maybe"):
        env_bool("LODESTAR_FLAG", False)


# env_int and env_list


def test_env_int_reads_a_number_or_the_default(monkeypatch):
    monkeypatch.setenv("LODESTAR_COUNT", " 42 ")
    assert env_int("LODESTAR_COUNT", 1) == 42
    monkeypatch.setenv("LODESTAR_COUNT", "")
    assert env_int("LODESTAR_COUNT", 7) == 7
    monkeypatch.delenv("LODESTAR_COUNT")
    assert env_int("LODESTAR_COUNT", 7) == 7


def test_env_int_rejects_text(monkeypatch):
    monkeypatch.setenv("LODESTAR_COUNT", "abc")
    with pytest.raises(ImproperlyConfigured, match=r"LODESTAR_COUNT must be a whole number.*abc"):
        env_int("LODESTAR_COUNT", 1)


def test_env_int_rejects_a_value_below_the_minimum(monkeypatch):
    monkeypatch.setenv("LODESTAR_COUNT", "0")
    with pytest.raises(ImproperlyConfigured, match=r"LODESTAR_COUNT must be at least 1, not 0"):
        env_int("LODESTAR_COUNT", 2, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("LODESTAR_HOSTS", " a.example.org, b.example.org,, ")
    assert env_list("LODESTAR_HOSTS", ["x"]) == ["a.example.org", "b.example.org"]
    monkeypatch.delenv("LODESTAR_HOSTS")
    assert env_list("LODESTAR_HOSTS", ["x"]) == ["x"]


# email_settings


def test_email_console(tmp_path):
    assert email_settings("console://", tmp_path) == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_email_file_with_a_path(tmp_path):
    result = email_settings("file:///var/spool/lodestar", tmp_path)
    assert result["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert result["EMAIL_FILE_PATH"] == "/var/spool/lodestar"


def test_email_file_defaults_to_the_data_dir(tmp_path):
    assert email_settings("file://", tmp_path)["EMAIL_FILE_PATH"] == str(tmp_path / "mail")


def test_email_smtp_with_port_user_and_password(tmp_path):
    result = email_settings("smtp://mailer:p%40ss%3Aword@mail.example.org:2525", tmp_path)
    assert result == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss:word",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_email_smtp_defaults_to_the_submission_port(tmp_path):
    result = email_settings("smtp://mail.example.org", tmp_path)
    assert (result["EMAIL_PORT"], result["EMAIL_HOST_USER"], result["EMAIL_HOST_PASSWORD"]) == (
        587,
        "",
        "",
    )


def test_email_smtps_uses_implicit_tls(tmp_path):
    result = email_settings("smtps://u:p@mail.example.org", tmp_path)
    assert (result["EMAIL_PORT"], result["EMAIL_USE_SSL"], result["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )


def test_email_smtp_plain_is_unencrypted(tmp_path):
    result = email_settings("smtp+plain://relay.internal", tmp_path)
    assert (result["EMAIL_PORT"], result["EMAIL_USE_SSL"], result["EMAIL_USE_TLS"]) == (
        25,
        False,
        False,
    )


def test_email_rejects_an_unsupported_scheme(tmp_path):
    with pytest.raises(ImproperlyConfigured, match=r"EMAIL_URL scheme 'gopher' is not supported"):
        email_settings("gopher://mail.example.org", tmp_path)


def test_email_rejects_smtp_without_a_host(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="has no host name"):
        email_settings("smtp://", tmp_path)


def test_email_rejects_an_invalid_port(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="has an invalid port"):
        email_settings("smtp://mail.example.org:notaport", tmp_path)


# secret_key


def test_secret_key_is_generated_once_and_reused(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    data_dir = tmp_path / "data"
    first = secret_key(data_dir, debug=True)
    assert len(first) >= 50
    path = data_dir / "secret_key"
    assert path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(data_dir, debug=True) == first


def test_secret_key_from_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    assert secret_key(tmp_path, debug=False) == GOOD_KEY
    assert not (tmp_path / "secret_key").exists()


def test_secret_key_rejects_a_short_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be at least 50 characters"):
        secret_key(tmp_path, debug=True)


def test_secret_key_is_required_without_debug(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set when DEBUG is false"):
        secret_key(tmp_path, debug=False)
    assert not (tmp_path / "secret_key").exists()


# manage.py with a given environment


def _manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environ |= {"DJANGO_SETTINGS_MODULE": "lodestar.settings", "DATA_DIR": str(tmp_path)}
    environ |= env
    return subprocess.run(  # noqa: S603 (a fixed command line)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def test_production_configuration_passes_the_deploy_check(tmp_path):
    result = _manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert not (tmp_path / "secret_key").exists()


def test_debug_maybe_stops_start_up(tmp_path):
    result = _manage(tmp_path, "check", DEBUG="maybe")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be true or false, not 'maybe'." in _last_line(
        result.stderr
    )


def test_production_without_allowed_hosts_stops_start_up(tmp_path):
    result = _manage(tmp_path, "check", DEBUG="false", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is false." in _last_line(result.stderr)


def test_nonsense_database_url_stops_start_up(tmp_path):
    result = _manage(tmp_path, "check", DATABASE_URL="nonsense://x")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not a valid database URL" in _last_line(
        result.stderr
    )
    assert "nonsense" in _last_line(result.stderr)


def test_unknown_time_zone_stops_start_up(tmp_path):
    result = _manage(tmp_path, "check", TIME_ZONE="Mars/Base")
    assert result.returncode != 0
    assert "ImproperlyConfigured: TIME_ZONE 'Mars/Base' is not a known time zone." in _last_line(
        result.stderr
    )
