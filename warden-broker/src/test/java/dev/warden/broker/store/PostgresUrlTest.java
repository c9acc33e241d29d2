package dev.warden.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PostgresUrlTest {

  @Test
  void parse_takesCredentialsHostPortDatabaseAndParametersApart() {
    PostgresUrl url =
        PostgresUrl.parse("postgresql://warden:s%40cret@db.example:6432/broker?sslmode=require");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6432/broker");
    assertThat(url.properties())
        .containsEntry("user", "warden")
        .containsEntry("password", "s@cret")
        .containsEntry("sslmode", "require");
  }

  @Test
  void parse_withoutPort_usesTheDefaultPort() {
    PostgresUrl url = PostgresUrl.parse("postgres://warden@localhost/broker");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/broker");
    assertThat(url.password()).isNull();
  }

  @Test
  void parse_withIpv6Host_bracketsItInTheJdbcUrl() {
    PostgresUrl url = PostgresUrl.parse("postgresql://u:p@[::1]:5433/broker");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/broker");
  }

  @Test
  void parse_withCurrentSchema_namesTheSchema() {
    PostgresUrl url = PostgresUrl.parse("postgresql://u:p@h/db?currentSchema=warden_a");

    assertThat(url.schema()).isEqualTo("warden_a");
  }

  @Test
  void toString_masksThePassword() {
    PostgresUrl url = PostgresUrl.parse("postgresql://warden:hunter2@h:5432/db");

    assertThat(url.toString())
        .isEqualTo("postgresql://warden:***@h:5432/db")
        .doesNotContain("hunter2");
  }

  @Test
  void parse_withoutDatabase_failsNamingTheProblemWithoutThePassword() {
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://warden:hunter2@h:5432"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must name one database")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void parse_withParameterWithoutValue_fails() {
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://h/db?sslmode"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'sslmode' without a value");
  }

  @Test
  void brokerStoresOpen_withAnUnknownScheme_failsNamingTheSupportedForms() {
    assertThatThrownBy(() -> BrokerStores.open("mysql://root:hunter2@h/db", Path.of("unused")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mysql://root:***@h/db")
        .hasMessageContaining("postgresql://user:password@host:port/database")
        .hasMessageNotContaining("hunter2");
  }
}
