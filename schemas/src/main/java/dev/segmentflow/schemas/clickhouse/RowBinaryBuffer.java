package dev.segmentflow.schemas.clickhouse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Rows in ClickHouse's RowBinary input format, appended to one growable byte array: each column in
 * table order, little-endian numbers, strings as a LEB128 length and UTF-8 bytes, a Nullable column
 * as a 0/1 null byte before its value, DateTime as UInt32 seconds. The server reads these without
 * parsing any text, which is where the JDBC driver's formatted values spent their time.
 */
public final class RowBinaryBuffer {
  private byte[] bytes;
  private int size;

  public RowBinaryBuffer(int initialCapacity) {
    bytes = new byte[Math.max(64, initialCapacity)];
  }

  public int size() {
    return size;
  }

  public byte[] array() {
    return bytes;
  }

  public void clear() {
    size = 0;
  }

  /** Drops everything after the first {@code length} bytes. */
  public void truncate(int length) {
    size = Math.min(size, Math.max(0, length));
  }

  public RowBinaryBuffer string(String s) {
    String v = s == null ? "" : s;
    // One byte per char for ASCII, the common case; anything else goes through an encoder.
    int n = v.length();
    boolean ascii = true;
    for (int i = 0; i < n && ascii; i++) {
      ascii = v.charAt(i) < 0x80;
    }
    if (ascii) {
      varint(n);
      ensure(n);
      for (int i = 0; i < n; i++) {
        bytes[size++] = (byte) v.charAt(i);
      }
      return this;
    }
    byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
    varint(utf8.length);
    ensure(utf8.length);
    System.arraycopy(utf8, 0, bytes, size, utf8.length);
    size += utf8.length;
    return this;
  }

  public RowBinaryBuffer uint8(int v) {
    ensure(1);
    bytes[size++] = (byte) v;
    return this;
  }

  public RowBinaryBuffer uint16(int v) {
    return littleEndian(v, 2);
  }

  public RowBinaryBuffer int32(int v) {
    return littleEndian(v, 4);
  }

  /** UInt32 from a long holding its unsigned value. */
  public RowBinaryBuffer uint32(long v) {
    return littleEndian(v, 4);
  }

  /** Int64 and UInt64 (the bits are the same). */
  public RowBinaryBuffer int64(long v) {
    return littleEndian(v, 8);
  }

  public RowBinaryBuffer float64(double v) {
    return littleEndian(Double.doubleToRawLongBits(v), 8);
  }

  /** DateTime: whole seconds since the epoch, as UInt32. */
  public RowBinaryBuffer dateTime(long epochMillis) {
    return uint32(Math.floorDiv(epochMillis, 1000L));
  }

  public RowBinaryBuffer nullableInt32(Integer v) {
    return v == null ? uint8(1) : uint8(0).int32(v);
  }

  public RowBinaryBuffer nullableInt64(Long v) {
    return v == null ? uint8(1) : uint8(0).int64(v);
  }

  public RowBinaryBuffer nullableFloat64(Double v) {
    return v == null ? uint8(1) : uint8(0).float64(v);
  }

  /** A Nullable(UInt8) flag. */
  public RowBinaryBuffer nullableFlag(Boolean v) {
    return v == null ? uint8(1) : uint8(0).uint8(v ? 1 : 0);
  }

  private RowBinaryBuffer littleEndian(long v, int width) {
    ensure(width);
    for (int i = 0; i < width; i++) {
      bytes[size++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  private void varint(int n) {
    ensure(5);
    int v = n;
    while ((v & ~0x7F) != 0) {
      bytes[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    bytes[size++] = (byte) v;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
