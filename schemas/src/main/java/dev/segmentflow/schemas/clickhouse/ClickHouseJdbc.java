package dev.segmentflow.schemas.clickhouse;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * How we reach ClickHouse over JDBC. The legacy driver class is the one that reads from Debian's
 * 18.16 server; {@code compress=0} because that server rejects the driver's default compression.
 */
public final class ClickHouseJdbc {
  public static final String DRIVER = "ru.yandex.clickhouse.ClickHouseDriver";

  private ClickHouseJdbc() {}

  public static Connection connect(String url) throws SQLException {
    try {
      Class.forName(DRIVER);
    } catch (ClassNotFoundException e) {
      throw new SQLException("ClickHouse JDBC driver not on the classpath: " + DRIVER, e);
    }
    return DriverManager.getConnection(url);
  }
}
