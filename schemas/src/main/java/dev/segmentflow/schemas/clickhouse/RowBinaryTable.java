package dev.segmentflow.schemas.clickhouse;

import java.io.Serializable;
import java.util.List;

/**
 * How records of one kind become rows of one table in RowBinary: the table, its columns in the
 * order the encoder writes them, and the encoder. Each table's instance lives with the module that
 * owns the data, as its SQL does.
 */
public record RowBinaryTable<T>(String table, List<String> columns, Encoder<T> encoder)
    implements Serializable {

  /** Appends one record's columns, in {@link #columns()} order. */
  @FunctionalInterface
  public interface Encoder<T> extends Serializable {
    void encode(T record, RowBinaryBuffer row);
  }

  /** The statement the rows are sent with. */
  public String insertStatement() {
    return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") FORMAT RowBinary";
  }
}
