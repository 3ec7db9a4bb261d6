from pathlib import Path

import pytest

from ground.settings import SettingsError, describe_settings, load_settings


def test_defaults_need_no_configuration() -> None:
    settings = load_settings(environ={})
    assert settings.es_hosts == ("http://127.0.0.1:9200",)
    assert settings.resolved_database_url.endswith("/var/mutual.db")


def test_environment_overrides_file_which_overrides_defaults(tmp_path: Path) -> None:
    config = tmp_path / "mutual.toml"
    config.write_text('index_prefix = "from-file"\nweb_port = 9000\n')
    env = {
        "MUTUAL_CONFIG": str(config),
        "MUTUAL_WEB_PORT": "9100",
        "MUTUAL_ES_HOSTS": "http://a:9200, http://b:9200",
    }
    settings = load_settings(environ=env)
    assert settings.index_prefix == "from-file"
    assert settings.web_port == 9100
    assert settings.es_hosts == ("http://a:9200", "http://b:9200")


def test_a_bad_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="MUTUAL_WEB_PORT"):
        load_settings(environ={"MUTUAL_WEB_PORT": "eighty"})
    with pytest.raises(SettingsError, match="MUTUAL_CRAWL_ALLOW_LOOPBACK"):
        load_settings(environ={"MUTUAL_CRAWL_ALLOW_LOOPBACK": "perhaps"})


def test_a_bad_number_is_refused_in_words_not_pythons() -> None:
    """Issue 24, point 5: "invalid literal for int() with base 10" is Python talking."""
    for name, value, words in (
        ("MUTUAL_PAGE_SIZE", "abc", "expected a whole number, such as 20, got 'abc'"),
        ("MUTUAL_CRAWL_DELAY", "soon", "expected a number, such as 1.5, got 'soon'"),
    ):
        with pytest.raises(SettingsError) as refused:
            load_settings(environ={name: value})
        assert str(refused.value) == f"{name}: {words}"
        assert "literal" not in str(refused.value) and "float()" not in str(refused.value)


def test_an_unknown_key_in_the_file_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "mutual.toml"
    config.write_text('es_host = "http://typo:9200"\n')
    with pytest.raises(SettingsError, match="es_host"):
        load_settings(environ={"MUTUAL_CONFIG": str(config)})


def test_every_setting_has_help() -> None:
    for info in describe_settings():
        assert info.help.strip(), info.name
        assert info.env == "MUTUAL_" + info.name.upper()


def test_cli_choices_match_the_catalog() -> None:
    """The CLI keeps its own copies (so --help needs no database library); they must agree."""
    from catalog import credentials, sources
    from mutual import cli_sources as cli_catalog

    assert cli_catalog.SOURCE_KINDS == sources.SOURCE_KINDS
    assert cli_catalog.ACCESS_LEVELS == sources.ACCESS_LEVELS
    assert cli_catalog.ITEM_KINDS == sources.ITEM_KINDS
    assert cli_catalog.AUTH_KINDS == credentials.AUTH_KINDS
