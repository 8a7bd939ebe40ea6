package dev.segmentflow.schemas.clickhouse;

import dev.segmentflow.schemas.Json;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Statement parameters for the optional fields of our records: SQL NULL for Nullable columns, the
 * empty string for String columns that have no Nullable, and enum names as the topics spell them.
 */
public final class Binders {
  private Binders() {}

  /** The empty string for a missing value, for String columns that are not Nullable. */
  public static String nz(String s) {
    return s == null ? "" : s;
  }

  private static final Map<Enum<?>, String> WIRE_NAMES = new ConcurrentHashMap<>();

  /** The name an enum constant has on the wire, so that tables hold what topics hold. */
  public static String wireName(Enum<?> value) {
    return WIRE_NAMES.computeIfAbsent(value, v -> Json.MAPPER.convertValue(v, String.class));
  }

  public static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  public static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  public static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }

  /** A Nullable(UInt8) flag. */
  public static void setFlag(PreparedStatement ps, int i, Boolean v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.TINYINT);
    } else {
      ps.setInt(i, v ? 1 : 0);
    }
  }
}
